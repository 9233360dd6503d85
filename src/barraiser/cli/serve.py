"""`barraiser serve`: the web app on 127.0.0.1."""

from __future__ import annotations

import socket

import click

from barraiser.cli.main import cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port (default: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep the default unless you know why: the app has no accounts yet.")
def serve(port: int, host: str) -> None:
    """Start the web app: practise, read debriefs and grade recordings in the browser."""
    import uvicorn

    from barraiser.errors import UserError
    from barraiser.store.engine import database_url, describe
    from barraiser.web.app import create_app

    try:
        app = create_app()
    except UserError as e:
        raise click.ClickException(e.message) from None
    port = port or _free_port()
    click.echo(f"Bar Raiser is running at http://{host}:{port}/  (store: {describe(database_url())})")
    click.echo("Press Ctrl+C to stop; every turn is already saved.")
    uvicorn.run(app, host=host, port=port, log_level="warning")
