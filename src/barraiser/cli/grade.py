"""`barraiser grade FILE`: grade a transcript and print or write the debrief."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from barraiser.cli.main import cli, emit


@cli.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["terminal", "markdown", "md", "html", "json"]),
              default=None, help="Output format (default: terminal, or from --output's extension).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the debrief to this file instead of standard output.")
@click.option("--candidate", default=None, help="The speaker whose words are graded (default: a speaker named Candidate, else the one with the most words who is not named Interviewer).")
@click.option("--prompt", "prompt_id", default=None, help="The prompt ID, to fit the fixes' examples to it.")
@click.option("--save", is_flag=True, help="Keep the debrief in your history (`barraiser history`, `progress`).")
def grade(file: Path, fmt: str | None, output: Path | None, candidate: str | None, prompt_id: str | None,
          save: bool) -> None:
    """Grade an interview transcript: Zoom or Teams VTT, SRT, Markdown or text notes
    with [mm:ss] stamps (Google Meet's and Zoom's saved transcripts too), Bar Raiser JSON,
    a table with speaker and text columns (Markdown, CSV, TSV), a conversation pasted
    with "Name:" lines and no stamps, or a written answer with no stamps."""
    from barraiser.errors import UserError
    from barraiser.grading import grade
    from barraiser.render import format_for_path, render
    from barraiser.transcript.readers import read_transcript

    if fmt is None:
        fmt = (format_for_path(str(output)) if output else None) or "terminal"
    loading = None
    try:
        transcript = read_transcript(file, candidate=candidate)
        from barraiser.grading.embeddings import preload

        loading = preload()  # MiniLM loads while the rubric, content and first stage do
        report = grade(transcript, prompt_id)
        if save:
            from barraiser.store import Store
            from barraiser.uploads import record_upload

            saved = record_upload(Store.open(), transcript, report, source_name=file.name)
            click.echo(f"Saved as session {saved.short_id} (`barraiser history`).", err=True)
    except UserError as e:
        raise click.ClickException(e.message) from None
    finally:
        if loading is not None:
            loading.join()
    color = output is None and fmt == "terminal" and sys.stdout.isatty()
    text = render(report, fmt, color=color)
    emit(text, output, what="the report", done=f"Wrote the {fmt} debrief to {output} (verdict: {report.verdict}).")
