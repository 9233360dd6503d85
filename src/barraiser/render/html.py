"""The debrief as one self-contained HTML file (no external CSS, fonts or scripts).

Autoescaping is on, so transcript text containing HTML or script stays inert.
The timeline strip is an inline SVG: the four phases as measured against the
plan, and each signal placed where it first appeared, with its deadline.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from barraiser.grading.report import Report
from barraiser.grading.scoring import clock
from barraiser.render.labels import PHASE_LABELS, SCORE_LABELS, VERDICT_LABELS

PHASE_COLORS = {"framing": "#2f6f8f", "flow": "#4f7f3f", "deep_dive": "#7a4f9a", "edge_cases": "#a0632a"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("barraiser.render", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["clock"] = clock
    return env


def timeline(r: Report, width: int = 900) -> dict:
    """Geometry of the timeline strip, computed here so the template only draws."""
    total = max(r.duration_s, max((p.planned_end_s for p in r.phases), default=0), 1.0)
    x = lambda t: round(40 + (width - 60) * (t or 0) / total, 1)  # noqa: E731
    phases = [{"id": p.id, "label": PHASE_LABELS[p.id], "x": x(p.start_s), "w": max(x(p.end_s) - x(p.start_s), 0),
               "px": x(p.planned_start_s), "pw": max(x(p.planned_end_s) - x(p.planned_start_s), 0),
               "color": PHASE_COLORS[p.id], "start": clock(p.start_s), "end": clock(p.end_s)} for p in r.phases]
    marks = []
    row = 0
    for s in sorted((s for s in r.signals if s.present), key=lambda s: s.first_at_s or 0):
        status = "flag" if s.kind == "red_flag" else ("late" if s.on_time is False else "ok")
        marks.append({"id": s.id, "title": s.title or s.id, "x": x(s.first_at_s), "row": row % 4, "status": status,
                      "at": clock(s.first_at_s),
                      "deadline_x": x(s.deadline_s) if s.deadline_s is not None else None})
        row += 1
    ticks = [{"x": x(m * 60), "label": f"{m}m"} for m in range(0, int(total // 60) + 1, 5)]
    return {"width": width, "phases": phases, "marks": marks, "ticks": ticks,
            "deadline10": x(600) if total >= 600 else None}


def render_html(r: Report, *, standalone: bool = True) -> str:
    tmpl = environment().get_template("report.html.j2")
    signals_by_dim: dict[str, list] = {}
    for s in r.signals:
        signals_by_dim.setdefault(s.dimension, []).append(s)
    return tmpl.render(r=r, verdict_label=VERDICT_LABELS[r.verdict], score_labels=SCORE_LABELS,
                       phase_labels=PHASE_LABELS, tl=timeline(r), signals_by_dim=signals_by_dim,
                       standalone=standalone)
