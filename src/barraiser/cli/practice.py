"""Practice commands: `practice`, `history`, `show`, `export`, `progress`.

Thin: sessions, the store and the summaries live in the library.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from barraiser.cli.main import cli, emit

# Spelled out here (as in content.models) so that `--help` need not import pydantic.
PERSONAS = ("supportive", "neutral", "adversarial")
MODES = ("exam", "coach")


def _open_store():
    from barraiser.store import Store

    return Store.open()


def _fail(e) -> click.ClickException:
    return click.ClickException(e.message)


def _report(stored):
    from barraiser.grading.report import Report

    return Report.model_validate(stored.report)


@cli.command()
@click.option("--prompt", "prompt_id", default=None, help="Prompt ID (`barraiser prompts list`); default: a random one.")
@click.option("--minutes", type=float, default=None, help="Interview length (default 45; phase budgets scale).")
@click.option("--persona", type=click.Choice(PERSONAS), default=None,
              help="How often and how hard the interviewer pushes back (default neutral).")
@click.option("--mode", type=click.Choice(MODES), default=None,
              help="exam: no hints, feedback at the end (default); coach: nudges when something is overdue.")
@click.option("--seed", type=int, default=None, help="Seed for the interviewer's wording (replays are identical).")
@click.option("--resume", "resume", is_flag=False, flag_value="", default=None, metavar="[SESSION]",
              help="Continue an unfinished session (default: the latest one).")
@click.option("--script", "script", default=None, metavar="FILE|-",
              help="Read the candidate's turns from a file or standard input instead of the keyboard "
                   "(format: docs/practice.md).")
@click.option("--spoken", is_flag=True, help="With --script: the stamps are measured speaking times, "
                                            "so the session is graded on them rather than on the spoken-equivalent clock.")
def practice(prompt_id, minutes, persona, mode, seed, resume, script, spoken) -> None:
    """Run a timed mock interview with an interviewer that answers and pushes back.

    Every turn is saved as it is sent and the draft as it is typed: if the terminal
    closes or the process is killed, `barraiser practice --resume` continues with
    the clock where it stopped. At the end the debrief is shown and stored."""
    from barraiser.errors import UserError
    from barraiser.interview.clock import ManualClock, SystemClock
    from barraiser.interview.session import PracticeSession

    if script is None and not sys.stdin.isatty():
        script = "-"  # piped input: a scripted session
    if spoken and script is None:
        raise click.ClickException("--spoken needs --script: in the terminal room answers are typed")
    try:
        store = _open_store()
        clock = ManualClock() if script else SystemClock()
        if resume is not None:
            if any(v is not None for v in (prompt_id, minutes, persona, mode, seed)):
                raise click.ClickException("--resume continues a session with its own prompt and settings; "
                                           "leave out --prompt, --minutes, --persona, --mode and --seed")
            session = PracticeSession.resume(store, resume or None, clock=clock)
        else:
            open_one = store.unfinished()
            if open_one is not None and not script:
                click.echo(f"(You have an unfinished session, {open_one.short_id} on {open_one.title}: "
                           f"`barraiser practice --resume` continues it.)", err=True)
            session = PracticeSession.start(
                store, prompt_id, minutes=minutes if minutes is not None else store.get_setting("minutes", 45),
                persona=persona or store.get_setting("persona", "neutral"),
                mode=mode or store.get_setting("mode", "exam"),
                input_mode="spoken" if spoken else "typed", seed=seed, clock=clock)
    except UserError as e:
        raise _fail(e) from None
    if script:
        report = _run_scripted(session, script, resumed=resume is not None)
    else:
        from barraiser.cli.room import Room

        report = Room(session).run(resumed=resume is not None)
    if report is not None:
        _print_debrief(session.id, report)


def _run_scripted(session, script: str, *, resumed: bool):
    from barraiser.errors import UserError
    from barraiser.interview.clock import mmss
    from barraiser.interview.script import run_script

    short = session.id[:8]
    click.echo(f"Session {short} · {session.prompt.title} · {session.minutes:g} min · "
               f"{session.record.persona} · {session.record.mode} mode")
    if resumed:
        click.echo(f"Resumed at {mmss(session.elapsed_s)} with {len(session.turns)} turns kept.")
        click.echo(f"[{mmss(session.elapsed_s)}] Interviewer: {session.interviewer.welcome_back(session.elapsed_s)}")
        if session.draft:
            click.echo(f"(your unsent draft was kept: {session.draft[:80]!r})")
    else:
        for t in session.turns:
            click.echo(f"[{mmss(t.wall_s)}] {t.speaker}: {t.text}")
    name = "standard input" if script == "-" else script
    try:
        if script == "-":
            lines = iter(sys.stdin.readline, "")
            status = run_script(session, lines, source=name, say=click.echo)
        else:
            try:
                with open(script, encoding="utf-8-sig") as fh:
                    status = run_script(session, fh, source=name, say=click.echo)
            except FileNotFoundError:
                raise UserError("no such file", source=script, expected="a script of turns (docs/practice.md)")
            except UnicodeDecodeError:
                raise UserError("the script is not UTF-8 text", source=script)
    except UserError as e:
        session.pause()
        raise click.ClickException(f"{e.message}. Session {short} is kept: fix the script and continue with "
                                   f"`barraiser practice --resume {short} --script FILE`") from None
    if status == "paused":
        click.echo(f"Paused at {mmss(session.elapsed_s)}. Continue with: barraiser practice --resume {short}")
        return None
    report = session.end("end of script" if not session.time_up else "time")
    closing = session.turns[-1] if session.turns else None
    if closing is not None and closing.kind == "closing":
        click.echo(f"[{mmss(closing.wall_s)}] {closing.speaker}: {closing.text}")
    return report


def _print_debrief(session_id: str, report) -> None:
    from barraiser.render import render

    color = sys.stdout.isatty()
    click.echo(render(report, "terminal", color=color), nl=False)
    short = session_id[:8]
    click.echo(f"Saved as session {short}. `barraiser show {short}` shows it again; "
               f"`barraiser export {short} --format html` writes the debrief to a file.")


@cli.command()
@click.option("--limit", type=click.IntRange(1, 10_000), default=30, help="How many sessions (newest first).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def history(limit: int, as_json: bool) -> None:
    """List practice sessions and graded uploads, newest first."""
    from barraiser.errors import UserError
    from barraiser.interview.clock import mmss

    try:
        rows = _open_store().list_sessions(limit=limit)
    except UserError as e:
        raise _fail(e) from None
    if as_json:
        click.echo(json.dumps([{
            "id": r.id, "kind": r.kind, "status": r.status, "prompt_id": r.prompt_id, "title": r.title,
            "created_at": r.created_at.isoformat(), "minutes": r.minutes, "elapsed_s": round(r.elapsed_s, 1),
            "persona": r.persona, "mode": r.mode, "verdict": r.verdict, "score": r.score} for r in rows], indent=2))
        return
    if not rows:
        click.echo("No sessions yet. Start one with `barraiser practice`.")
        return
    from rich.console import Console
    from rich.table import Table

    from rich import box

    table = Table(title="Sessions, newest first", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("ID", no_wrap=True)
    table.add_column("Started", no_wrap=True)
    table.add_column("Prompt", min_width=14, ratio=1, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Time", no_wrap=True)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Score", no_wrap=True, justify="right")
    for r in rows:
        when = r.created_at.astimezone().strftime("%m-%d %H:%M")
        took = f"{mmss(r.elapsed_s)}/{r.minutes:g}m" if r.kind == "practice" else "-"
        status = "upload" if r.kind == "upload" else r.status
        table.add_row(r.short_id, when, r.title, status, took, (r.verdict or "-").replace("_", " "),
                      f"{r.score:.2f}" if r.score is not None else "-")
    Console(highlight=False).print(table)


@cli.command()
@click.argument("session_id", metavar="SESSION")
def show(session_id: str) -> None:
    """Show a session: its conversation with both clocks, the draft, and the debrief."""
    from barraiser.errors import UserError
    from barraiser.interview.clock import mmss
    from barraiser.render import render

    try:
        store = _open_store()
        s = store.get_session(session_id)
        stored = store.latest_report(s.id)
    except UserError as e:
        raise _fail(e) from None
    click.echo(f"Session {s.short_id} · {s.title} · {s.kind} · {s.status}")
    if s.kind == "practice":
        click.echo(f"{s.minutes:g} minutes · {s.persona} · {s.mode} mode · {s.input_mode} · "
                   f"interview clock {mmss(s.elapsed_s)}")
        click.echo("Times: [interview clock] (spoken-equivalent)" if s.input_mode == "typed"
                   else "Times: [interview clock] (measured)")
        click.echo("")
        for t in s.turns:
            click.echo(f"[{mmss(t.wall_s)}] ({mmss(t.start_s)}) {t.speaker}: {t.text}")
        if s.draft:
            click.echo(f"\nUnsent draft: {s.draft}")
        click.echo("")
    else:
        click.echo(f"Graded from {s.source_name} · candidate {s.candidate}\n")
        for t in s.turns:
            click.echo(f"[{mmss(t.start_s)}] {t.speaker}: {t.text}")
        click.echo("")
    if stored:
        click.echo(render(_report(stored), "terminal", color=sys.stdout.isatty()), nl=False)
    elif s.status != "ended":
        click.echo(f"Not finished yet. Continue with: barraiser practice --resume {s.short_id}")
    else:
        click.echo("This session ended before the candidate said anything, so there is no debrief.")


@cli.command()
@click.argument("session_id", metavar="SESSION")
@click.option("--format", "fmt", type=click.Choice(["md", "markdown", "html", "json", "transcript"]),
              default=None, help="md, html, json (barraiser.report/1), or transcript (barraiser.transcript/1).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (default: standard output).")
def export(session_id: str, fmt: str | None, output: Path | None) -> None:
    """Export a session's debrief (or its transcript) as Markdown, HTML or JSON."""
    from barraiser.errors import UserError
    from barraiser.render import format_for_path, render

    if fmt is None:
        fmt = (format_for_path(str(output)) if output else None) or "md"
    try:
        store = _open_store()
        s = store.get_session(session_id)
        if fmt == "transcript":
            text = json.dumps(_transcript_json(s), indent=2, ensure_ascii=False) + "\n"
        else:
            stored = store.latest_report(s.id)
            if stored is None:
                raise UserError(f"session {s.short_id} has no debrief yet",
                                expected=f"a finished session; continue it with `barraiser practice --resume "
                                         f"{s.short_id}`, or export `--format transcript`")
            text = render(_report(stored), "markdown" if fmt == "md" else fmt)
    except UserError as e:
        raise _fail(e) from None
    emit(text, output, what="the export", done=f"Wrote {fmt} for session {s.short_id} to {output}.")


def _transcript_json(s) -> dict:
    return {"schema": "barraiser.transcript/1", "candidate": "Candidate", "title": s.title,
            "turns": [{"speaker": t.speaker, "start_s": t.start_s, "end_s": t.end_s, "text": t.text}
                      for t in s.turns if t.role in ("candidate", "interviewer")]}


@cli.command()
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the dimension scores over time as an SVG chart to this file.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, help="How many recent sessions to include.")
def progress(chart: Path | None, limit: int) -> None:
    """Your progress: dimension scores across sessions, and the signals most often missed or late."""
    from rich.console import Console
    from rich.table import Table

    from barraiser.content.rubric import rubric
    from barraiser.errors import UserError
    from barraiser.progress import compute, sparkline

    if chart is not None and chart.suffix.lower() != ".svg":
        raise click.ClickException(f"{chart}: the chart is written as SVG (expected a file name ending in .svg)")
    try:
        prog = compute(_open_store().report_history(limit=limit), rubric())
    except UserError as e:
        raise _fail(e) from None
    console = Console(highlight=False)
    if not prog.points:
        click.echo("No graded sessions yet. Run `barraiser practice`, or `barraiser grade FILE --save`.")
    else:
        n = len(prog.points)
        table = Table(title=f"Dimension scores over {n} graded session{'s' * (n != 1)} (1-4, oldest → newest)",
                      title_justify="left")
        for col in ("Dimension", "Trend", "Latest", "Average", "Change"):
            table.add_column(col)
        for dim, title in prog.dimension_titles.items():
            s = prog.series(dim)
            t = prog.trend(dim)
            change = "-" if t is None else ("↑ " if t > 0.25 else "↓ " if t < -0.25 else "→ ") + f"{t:+.1f}"
            table.add_row(title, sparkline(s), str(s[-1]), f"{sum(s) / n:.1f}", change)
        console.print(table)
        verdicts = ", ".join(f"{v.replace('_', ' ')} {c}" for v, c in prog.verdicts.most_common())
        console.print(f"Verdicts: {verdicts} · latest: {prog.points[-1].verdict.replace('_', ' ')} "
                      f"({prog.points[-1].score:.2f})")
        if prog.gaps:
            gaps = Table(title="Most often missed or late", title_justify="left")
            for col in ("Signal", "Missed", "Late", "Of sessions"):
                gaps.add_column(col)
            for g in prog.gaps[:8]:
                gaps.add_row(g.title, str(g.missed), str(g.late), f"{g.missed + g.late} of {g.sessions}")
            console.print(gaps)
    if chart is not None:
        from barraiser.render.charts import progress_chart

        emit(progress_chart(prog), chart, what="the chart", done=f"Wrote the chart to {chart}.")
