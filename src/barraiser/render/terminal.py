"""The debrief in a terminal (Rich). Colour only when printing to a TTY; every
colour is doubled by a word or symbol so nothing depends on colour alone."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from barraiser.grading.report import Report
from barraiser.grading.scoring import clock
from barraiser.render.labels import PHASE_LABELS, SCORE_LABELS, VERDICT_LABELS

_VERDICT_STYLE = {"strong_hire": "bold green", "hire": "green", "no_hire": "yellow", "strong_no_hire": "bold red"}


def _timeline(r: Report, width: int = 60) -> Text:
    """One line per phase against the 45-minute plan, then where signals landed."""
    total = max(r.duration_s, 1.0)
    line = Text()
    for p in r.phases:
        n = max(1, round((p.end_s - p.start_s) / total * width)) if p.end_s > p.start_s else 0
        label = PHASE_LABELS[p.id][: max(n - 1, 0)]
        line.append(("[" + label).ljust(n, "-")[:n], style={"framing": "cyan", "flow": "blue",
                                                            "deep_dive": "magenta", "edge_cases": "yellow"}[p.id])
    return line


def render_terminal(r: Report, *, color: bool = False, width: int = 100) -> str:
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False,
                  emoji=False)
    title = f"{VERDICT_LABELS[r.verdict].upper()}  score {r.score:.2f}/4"
    con.print(Text(title, style=_VERDICT_STYLE[r.verdict]))
    sub = f"{escape(r.source)} · candidate {escape(r.candidate or '-')} · {clock(r.duration_s)} ({r.timing} times)"
    if r.prompt_title:
        sub += f" · {escape(r.prompt_title)}"
    con.print(sub)
    con.print(Text("Why: " + r.verdict_reason))
    for h in r.high_risk:
        con.print(Text("HIGH RISK: " + h, style="bold red"))
    con.print()
    dims = Table(title="Dimensions", show_lines=False, expand=True)
    dims.add_column("Dimension", no_wrap=True)
    dims.add_column("Score", no_wrap=True)
    dims.add_column("Summary")
    for d in r.dimensions:
        dims.add_row(d.title or d.id, f"{d.score} {SCORE_LABELS[d.score]}", Text(d.summary))
    con.print(dims)
    con.print(Text("Timeline  ") + _timeline(r))
    sig = Table(title="Signals", expand=True)
    sig.add_column("Signal", no_wrap=True)
    sig.add_column("Status", no_wrap=True)
    sig.add_column("When", no_wrap=True)
    sig.add_column("Quote")
    for s in r.signals:
        if s.kind == "red_flag":
            status = Text("RED FLAG", style="bold red") if s.present else Text("clear", style="dim")
        elif not s.present:
            status = Text("missing", style="red")
        elif s.on_time is False:
            status = Text("late", style="yellow")
        else:
            status = Text("shown", style="green")
        when = clock(s.first_at_s) + (f" (by {clock(s.deadline_s)})" if s.deadline_s is not None else "")
        quote = Text(f"\"{s.evidence[0].quote}\"" if s.evidence else "")
        sig.add_row(s.title or s.id, status, when, quote)
    con.print(sig)
    if r.fixes:
        con.print(Text("Top fixes", style="bold"))
        for i, f in enumerate(r.fixes, 1):
            con.print(Text(f"{i}. {f.title or f.signal}: {f.advice}"))
            con.print(Text(f"   Try: \"{f.example}\"", style="italic"))
    con.print(Text("Interviewer notes", style="bold"))
    for n in r.notes:
        con.print(Text("- " + n))
    return buf.getvalue()
