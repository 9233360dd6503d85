"""Which database, how to connect, and bringing its schema up to date.

SQLite in the user data directory by default; PostgreSQL (or any SQLAlchemy
URL) through BARRAISER_DATABASE_URL. Every open runs the Alembic migrations up
to head, so a new version of Bar Raiser upgrades an old database in place.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from barraiser.errors import UserError
from barraiser.paths import user_dir

MIGRATIONS = Path(__file__).with_name("migrations")
ENV_URL = "BARRAISER_DATABASE_URL"


class StoreError(UserError):
    pass


def database_url() -> str:
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    return f"sqlite:///{user_dir() / 'barraiser.db'}"


def describe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


POOL_SIZE = 24      # about the request threads a burst keeps busy at once
POOL_OVERFLOW = 24


def make_engine(url: str, **kwargs) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"{ENV_URL} is not a database URL: {url!r}",
                         expected="e.g. postgresql+psycopg://user:password@127.0.0.1:5432/barraiser "
                                  "or sqlite:////path/to/barraiser.db") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3, not the older psycopg2
    if parsed.drivername.startswith("postgresql") or parsed.database not in (None, "", ":memory:"):
        # Keep enough connections for the web app's request threads: past the pool's
        # size, each extra connection is opened for one query and closed again, which
        # under a burst of candidates means a new PostgreSQL backend (or SQLite's
        # pragmas) per request.
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    try:
        engine = create_engine(parsed, **kwargs)
    except (ImportError, ModuleNotFoundError) as e:
        raise StoreError(f"no driver for {parsed.drivername}: {e}",
                         expected="pip install 'barraiser[postgres]' for PostgreSQL") from None
    except ArgumentError as e:
        raise StoreError(f"cannot use the database URL {describe(url)}: {e}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets a reader (the web app, `history`) read while a session writes;
    # synchronous=FULL makes each committed turn survive a power cut, not only
    # a killed process; the busy timeout makes concurrent writers wait, not fail.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    from alembic import command

    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    except OperationalError as e:
        raise StoreError(f"cannot open the database {describe(str(engine.url))}: {_first_line(e)}",
                         expected=f"a reachable database; check {ENV_URL} or unset it to use the "
                                  "local SQLite file") from None
    except SQLAlchemyError as e:
        raise StoreError(f"cannot prepare the database {describe(str(engine.url))}: {_first_line(e)}") from None


def _first_line(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__
