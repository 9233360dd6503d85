"""Progress across sessions: dimension scores over time, and what keeps going missing.

Reads the latest report of every graded session (practice or upload) from the
store and summarises it; the renderers (terminal sparkline, SVG chart, later
the web dashboard) only draw what this returns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

SPARKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Point:
    session_id: str
    when: datetime
    title: str
    verdict: str
    score: float
    dimensions: dict[str, int]


@dataclass(frozen=True)
class Gap:
    signal: str
    title: str
    missed: int     # positive signal absent (or a red flag raised)
    late: int       # present but after its deadline
    sessions: int   # graded sessions it could have appeared in

    @property
    def share(self) -> float:
        return (self.missed + self.late) / self.sessions if self.sessions else 0.0


@dataclass
class Progress:
    points: list[Point] = field(default_factory=list)
    dimension_titles: dict[str, str] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    verdicts: Counter = field(default_factory=Counter)

    def series(self, dimension: str) -> list[int]:
        return [p.dimensions.get(dimension, 0) for p in self.points]

    def trend(self, dimension: str) -> float | None:
        """Mean of the last three minus mean of the three before (None with fewer than 2 sessions)."""
        s = self.series(dimension)
        if len(s) < 2:
            return None
        recent = s[-3:]
        before = s[-6:-3] or s[:1]
        return sum(recent) / len(recent) - sum(before) / len(before)


def sparkline(values: list[float], lo: float = 1, hi: float = 4) -> str:
    if not values:
        return ""
    span = hi - lo or 1
    return "".join(SPARKS[min(len(SPARKS) - 1, max(0, round((v - lo) / span * (len(SPARKS) - 1))))]
                   for v in values)


def compute(history, rubric) -> Progress:
    """`history`: (StoredSession, StoredReport) pairs, oldest first."""
    prog = Progress(dimension_titles={d.id: d.title for d in rubric.dimensions})
    missed: Counter = Counter()
    late: Counter = Counter()
    for session, stored in history:
        rep = stored.report
        dims = {d["id"]: int(d["score"]) for d in rep.get("dimensions", [])}
        prog.points.append(Point(session.id, stored.created_at, session.title, stored.verdict, stored.score, dims))
        prog.verdicts[stored.verdict] += 1
        for sig in rep.get("signals", []):
            if sig["kind"] == "positive":
                if not sig["present"]:
                    missed[sig["id"]] += 1
                elif sig.get("on_time") is False:
                    late[sig["id"]] += 1
            elif sig["present"]:
                missed[sig["id"]] += 1  # a red flag raised counts against the candidate
    n = len(prog.points)
    gaps = [Gap(s.id, s.title, missed[s.id], late[s.id], n) for s in rubric.signals
            if missed[s.id] or late[s.id]]
    prog.gaps = sorted(gaps, key=lambda g: (-(g.missed + g.late), -g.late, g.signal))
    return prog
