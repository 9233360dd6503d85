"""The debrief as Markdown: for notes, pull requests to a coach, or printing."""

from __future__ import annotations

from barraiser.grading.report import Report
from barraiser.grading.scoring import clock
from barraiser.render.labels import PHASE_LABELS, SCORE_LABELS, VERDICT_LABELS


def _md(text: str) -> str:
    """Quote transcript text so Markdown and embedded HTML stay inert."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("*", "\\*").replace("_", "\\_").replace("`", "\\`").replace("[", "\\[")
            .replace("|", "\\|"))


def render_markdown(r: Report) -> str:
    out = [f"# Debrief: {_md(r.source)}", ""]
    meta = [f"**Verdict: {VERDICT_LABELS[r.verdict]}** (score {r.score:.2f} / 4)"]
    if r.prompt_title:
        meta.append(f"Prompt: {_md(r.prompt_title)}")
    meta.append(f"Candidate: {_md(r.candidate or '-')} · length {clock(r.duration_s)} · times {r.timing}")
    out += [" · ".join(meta[:1]), "", *meta[1:], "", f"> {_md(r.verdict_reason)}", ""]
    if r.high_risk:
        out += ["## High risk", ""] + [f"- {_md(h)}" for h in r.high_risk] + [""]
    out += ["## Dimensions", "", "| Dimension | Score | Summary |", "|---|---|---|"]
    for d in r.dimensions:
        out.append(f"| {d.title or d.id} | {d.score} ({SCORE_LABELS[d.score]}) | {_md(d.summary)} |")
    out += ["", "## Top fixes", ""]
    for i, f in enumerate(r.fixes, 1):
        out += [f"{i}. **{f.title or f.signal}**: {_md(f.advice)}", f"   - Say it like this: \"{_md(f.example)}\""]
    if not r.fixes:
        out.append("Nothing stands between this interview and the next verdict.")
    out += ["", "## Phases", "", "| Phase | From | To | Planned |", "|---|---|---|---|"]
    for p in r.phases:
        out.append(f"| {PHASE_LABELS[p.id]} | {clock(p.start_s)} | {clock(p.end_s)} | "
                   f"{clock(p.planned_start_s)}-{clock(p.planned_end_s)} |")
    out += ["", "## Signals", "", "| Signal | Kind | Found | First at | On time | Evidence |", "|---|---|---|---|---|---|"]
    for s in r.signals:
        ev = " / ".join(f"[{clock(e.at_s)}] \"{_md(e.quote)}\"" for e in s.evidence[:2])
        on_time = "-" if s.on_time is None else ("yes" if s.on_time else "**late**")
        found = ("yes" if s.present else "no") if s.kind == "positive" else ("**raised**" if s.present else "no")
        out.append(f"| {s.title or s.id} | {s.kind.replace('_', ' ')} | {found} | {clock(s.first_at_s)} | {on_time} | {ev} |")
    out += ["", "## Interviewer notes", ""] + [f"- {_md(n)}" for n in r.notes] + [""]
    return "\n".join(out)
