"""The `barraiser` command: a thin adapter over the library.

Imports of heavy modules happen inside commands so that `barraiser --help` stays fast.
"""

from __future__ import annotations

import sys

import click

from barraiser import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="barraiser")
def cli() -> None:
    """Bar Raiser: practise AI product system design interviews and get a debrief
    that quotes your own words, with when you said them."""


def emit(text: str, output, *, what: str, done: str) -> None:
    """Write `text` to the file `output` (then say `done` on stderr), or print it."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"{output}: cannot write {what}: {e.strerror}") from None
    click.echo(done, err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (tests call this)."""
    from barraiser.cli import content, grade, practice, serve  # noqa: F401  (registers commands)

    try:
        cli.main(args=argv, prog_name="barraiser", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        # Every user-caused problem (bad file, bad option) exits 2 with one line;
        # `--help` names the options, so the usage banner would only add noise.
        click.echo(f"Error: {e.format_message()}", err=True)
        return 2
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 1
    return 0


def entry() -> None:
    sys.exit(main())
