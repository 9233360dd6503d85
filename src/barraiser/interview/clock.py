"""The interview's clocks and its phase budgets.

Two clocks run in a typed session. The *interview clock* is the countdown the
candidate sees: active time, with pauses and any time no process ran left out.
The *spoken-equivalent clock* is what the same conversation would have taken
aloud: every word at 150 a minute, the interviewer's included. Typing runs at
about a third of speaking speed, so a typed session is graded on the spoken
clock (labelled as estimated); a spoken session is graded on measured time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from barraiser.content.models import Rubric
from barraiser.transcript.model import WORDS_PER_MINUTE, count_words

TYPING_WORDS_PER_MINUTE = WORDS_PER_MINUTE / 3  # what scripted sessions assume for typing time


@dataclass(frozen=True)
class PhaseBudget:
    id: str
    title: str
    start_s: float
    end_s: float

    @property
    def minutes(self) -> float:
        return (self.end_s - self.start_s) / 60


def phase_budgets(rubric: Rubric, minutes: float) -> list[PhaseBudget]:
    """The rubric's phases (5/10/20/10 of 45 minutes) scaled to `minutes`."""
    scale = minutes / rubric.interview_minutes
    return [PhaseBudget(p.id, p.title, p.start_min * 60 * scale, p.end_min * 60 * scale) for p in rubric.phases]


def phase_index_at(budgets: list[PhaseBudget], t: float) -> int:
    for i, b in enumerate(budgets):
        if t < b.end_s:
            return i
    return len(budgets) - 1


def speaking_seconds(text: str) -> float:
    return count_words(text) * 60.0 / WORDS_PER_MINUTE


def typing_seconds(text: str) -> float:
    return count_words(text) * 60.0 / TYPING_WORDS_PER_MINUTE


def mmss(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class SystemClock:
    """Monotonic seconds: immune to the wall clock being changed mid-interview."""

    def now(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told: scripted sessions, tests and benchmarks."""

    def __init__(self, start: float = 0.0):
        self.t = float(start)

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += max(0.0, float(seconds))
