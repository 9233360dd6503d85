"""Alembic environment: Bar Raiser runs migrations itself, on the connection it opened.

`barraiser.store.engine.migrate` passes that connection in `config.attributes`;
run from the `alembic` command line, the URL comes from BARRAISER_DATABASE_URL
or the default SQLite file.
"""

from alembic import context
from sqlalchemy import pool

from barraiser.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    from barraiser.store.engine import database_url, make_engine

    engine = make_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run_on(conn)


def _run_on(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run()
