"""The one type in the middle of the pipeline.

A `Transcript` is an ordered list of turns. A turn is one speaker talking without
interruption: consecutive cues of one speaker are merged into one turn, and the
cue boundaries are kept as `marks` (character offset in the turn's text, time in
seconds) so that a quote from the middle of a long turn gets its own time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

WORDS_PER_MINUTE = 150  # speaking rate used when times must be estimated

_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass
class Turn:
    speaker: str
    start_s: float
    end_s: float
    text: str
    # (char offset into text, time in seconds) at every cue boundary; the first is (0, start_s)
    marks: list[tuple[int, float]] = field(default_factory=list)
    line: int | None = None  # line in the source file where the turn starts

    def __post_init__(self) -> None:
        if not self.marks:
            self.marks = [(0, self.start_s)]

    @property
    def words(self) -> int:
        return count_words(self.text)

    def time_at(self, offset: int) -> float:
        """Seconds from the start of the interview at which char `offset` of the text was said.

        Within a cue the time is interpolated by the share of characters before the offset.
        """
        offset = max(0, min(offset, len(self.text)))
        bounds = self.marks + [(len(self.text), self.end_s)]
        for (o0, t0), (o1, t1) in zip(bounds, bounds[1:]):
            if o0 <= offset < o1 or (offset == o1 == len(self.text)):
                if o1 <= o0 or t1 <= t0:
                    return round(t0, 2)
                return round(t0 + (t1 - t0) * (offset - o0) / (o1 - o0), 2)
        return round(self.marks[-1][1], 2)


@dataclass
class Transcript:
    turns: list[Turn]
    source: str = "transcript"
    timing: Literal["measured", "estimated"] = "measured"
    candidate: str | None = None
    format: str = "unknown"
    title: str | None = None  # e.g. a Markdown heading or the written answer's prompt line
    # Set when measured times are only partly measured: some turns were placed by word count.
    timing_note: str | None = None

    @property
    def speakers(self) -> dict[str, int]:
        """Speaker name -> words spoken, in order of first appearance."""
        out: dict[str, int] = {}
        for t in self.turns:
            out[t.speaker] = out.get(t.speaker, 0) + t.words
        return out

    @property
    def duration_s(self) -> float:
        return max((t.end_s for t in self.turns), default=0.0)

    def candidate_turns(self) -> list[tuple[int, Turn]]:
        return [(i, t) for i, t in enumerate(self.turns) if t.speaker == self.candidate]

    def text(self) -> str:
        return "\n".join(f"{t.speaker}: {t.text}" for t in self.turns)
