"""`barraiser prompts ...` and `barraiser content validate`: browse and check content packs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from barraiser.cli.main import cli


def _content():
    from barraiser.content.packs import load_content
    from barraiser.errors import UserError

    try:
        return load_content()
    except UserError as e:
        raise click.ClickException(e.message + " (run `barraiser content validate` for every problem)") from None


@cli.group()
def prompts() -> None:
    """Browse the prompt bank."""


@prompts.command("list")
@click.option("--domain", default=None, help="Only prompts of this domain (e.g. voice, search).")
@click.option("--level", type=click.Choice(["pm", "senior", "group"]), default=None, help="Only this level.")
@click.option("--tag", default=None, help="Only prompts with this tag.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def prompts_list(domain, level, tag, fmt) -> None:
    """List prompts, optionally filtered."""
    from barraiser.content.models import DOMAINS

    if domain and domain not in DOMAINS:
        raise click.ClickException(f"unknown domain {domain!r} (expected one of: {', '.join(DOMAINS)})")
    items = [p for p in _content().prompts.values()
             if (not domain or p.domain == domain) and (not level or p.level == level) and (not tag or tag in p.tags)]
    items.sort(key=lambda p: (p.domain, p.id))
    if fmt == "json":
        click.echo(json.dumps([{"id": p.id, "title": p.title, "domain": p.domain, "level": p.level,
                                "tags": p.tags, "summary": p.summary} for p in items], indent=2))
        return
    if not items:
        click.echo("No prompt matches those filters.")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for col in ("ID", "Domain", "Level", "Summary"):
        table.add_column(col, overflow="fold")
    for p in items:
        table.add_row(p.id, p.domain, p.level, p.summary)
    Console(width=120, no_color=True, highlight=False).print(table)
    click.echo(f"{len(items)} prompts. `barraiser prompts show ID` shows one.")


@prompts.command("show")
@click.argument("prompt_id")
@click.option("--interviewer", is_flag=True, help="Also show the interviewer's case file (spoilers).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def prompts_show(prompt_id, interviewer, fmt) -> None:
    """Show one prompt as the candidate sees it (--interviewer adds the case file)."""
    from barraiser.errors import UserError

    try:
        p = _content().prompt(prompt_id)
    except UserError as e:
        raise click.ClickException(e.message) from None
    if fmt == "json":
        data = p.model_dump() if interviewer else p.model_dump(exclude={"case_file", "hints"})
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{p.title}  [{p.id}]")
    click.echo(f"{p.domain} · level {p.level} · {', '.join(p.tags)}\n")
    click.echo(p.prompt)
    if not interviewer:
        click.echo("\nYou have 45 minutes: frame (5), flow (10), deep dive (20), edge cases (10).")
        return
    cf = p.case_file
    click.echo("\n== Case file (interviewer only) ==")
    click.echo("\nWhen asked:")
    for r in cf.reveals:
        click.echo(f"  [{r.topic}] e.g. \"{r.asked_as[0]}\"\n      -> {r.answer}")
    click.echo(f"  [anything else] -> {cf.unknown_answer}")
    _section("Good success metrics", (f"{m.metric}: {m.why}" for m in cf.metrics))
    sc = cf.strong_constraint
    click.echo(f"\nThe constraint a strong answer picks: {sc.constraint}. {sc.statement}\n  why: {sc.why}\n  accepts: {sc.sacrifice}")
    _section("Tempting wrong metrics", (f"{m.metric}: {m.why}" for m in cf.wrong_metrics))
    _section("Data sources (impact / effort)", (f"{d.name} ({d.impact} / {d.effort}): {d.note}" for d in cf.data_sources))
    _section("Failure modes", (f"{f.name}: {f.user_harm}" for f in cf.failure_modes))
    click.echo(f"\nSound fallback: {cf.fallback}\nGuardrail: {cf.guardrail}")
    _section("Pushbacks", (f"[{pb.signal}, {pb.trigger}{f' ({pb.phase})' if pb.phase else ''}] \"{pb.say}\""
                           for pb in cf.pushbacks))
    _section("Traps", (f"{t.trap}: {t.why}" for t in cf.traps))
    click.echo("\nStrong answer:")
    for o in cf.strong_answer:
        click.echo(f"  {o.phase} ({o.minutes} min): {o.outline}")
    click.echo(f"\nTypical weak answer: {cf.weak_answer}")


def _section(title: str, lines) -> None:
    click.echo(f"\n{title}:")
    for line in lines:
        click.echo(f"  - {line}")


@cli.group()
def content() -> None:
    """Check content packs (the shipped one and yours)."""


@content.command("validate")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def content_validate(path: Path | None) -> None:
    """Validate a pack folder, or the shipped pack and every user pack."""
    from barraiser.content.validate import validate_all, validate_pack
    from barraiser.paths import user_packs_dir

    if path is not None:
        if not path.exists():
            raise click.ClickException(f"{path}: no such folder (expected a pack folder)")
        results = {path: validate_pack(path)}
    else:
        results = validate_all(user_packs_dir())
    total = 0
    for folder, problems in results.items():
        if problems:
            click.echo(f"{folder}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
            for p in problems:
                click.echo(f"  {p}")
        else:
            click.echo(f"{folder}: valid")
        total += len(problems)
    if total:
        raise click.ClickException(f"{total} problem{'s' if total != 1 else ''} found")
