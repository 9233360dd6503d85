"""Cut the candidate's turns into units (about a sentence each) for detection.

A unit keeps its exact character span in its turn, so the quote shown to the user
is a verbatim substring and its time comes from `Turn.time_at`. Captions from
speech recognition often have no punctuation at all; long stretches are cut at
cue boundaries first, then at soft breaks (commas, "and", "so", "but"), so that
no unit runs past about 40 words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from barraiser.grading import cues
from barraiser.transcript.model import Transcript

MAX_WORDS = 40
TARGET_WORDS = 24

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=\S)")
_WORD = re.compile(r"\S+")
_SOFT_BREAK = re.compile(r"(?:[,;:]\s+|\s+(?=(?:and|so|but|because|then|which|or)\s))", re.I)
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|vs|etc|approx|dr|mr|ms|mrs|no)\.$", re.I)


@dataclass(frozen=True)
class Unit:
    turn: int          # index of the turn in the transcript
    start: int         # character span in the turn's text
    end: int
    text: str
    at_s: float
    prev_interviewer: str  # the interviewer's words just before this candidate turn ("" if none)
    position: int      # order of the unit among the candidate's units
    # the candidate's own turn before that interviewer turn ended in a question: what
    # follows restates an answer they asked for, not a proposal they merely accept
    after_own_question: bool = False


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if _ABBREV.search(text[start:m.start()]):
            continue  # "e.g. " does not end a sentence
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _words(text: str, a: int, b: int) -> list[re.Match]:
    return list(_WORD.finditer(text, a, b))


def _split_long(text: str, a: int, b: int, cue_offsets: list[int]) -> list[tuple[int, int]]:
    """Split span [a, b) of more than MAX_WORDS words into pieces of about TARGET_WORDS."""
    words = _words(text, a, b)
    if len(words) <= MAX_WORDS:
        return [(a, b)]
    # candidate cut points: cue boundaries and soft breaks, as char offsets
    cuts = {o for o in cue_offsets if a < o < b}
    cuts.update(m.end() for m in _SOFT_BREAK.finditer(text, a, b) if a < m.end() < b)
    pieces, start = [], a
    while True:
        remaining = _words(text, start, b)
        if len(remaining) <= MAX_WORDS:
            pieces.append((start, b))
            break
        lo = remaining[12].start()
        hi = remaining[MAX_WORDS - 1].end()
        target = remaining[TARGET_WORDS].start()
        options = [c for c in cuts if lo <= c <= hi]
        cut = min(options, key=lambda c: abs(c - target)) if options else remaining[TARGET_WORDS].start()
        pieces.append((start, cut))
        start = cut
    return pieces


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def candidate_units(tr: Transcript) -> list[Unit]:
    units: list[Unit] = []
    last_interviewer = ""
    asked = False  # the candidate's last turn ended in a question
    for i, turn in enumerate(tr.turns):
        if turn.speaker != tr.candidate:
            last_interviewer = turn.text
            continue
        after_question = asked and bool(last_interviewer)
        spans = _sentence_spans(turn.text)
        last = turn.text[spans[-1][0]:spans[-1][1]] if spans else ""
        # a question that hands the decision back ("Which would you pick?") or only repeats
        # the interviewer's ("What breaks?") asks for nothing the candidate then chooses from
        asked = (cues.is_question(last) and not cues.is_hand_back(last)
                 and not cues.is_echo(last, last_interviewer))
        cue_offsets = [o for o, _ in turn.marks]
        for a, b in spans:
            for pa, pb in _split_long(turn.text, a, b, cue_offsets):
                pa, pb = _trim(turn.text, pa, pb)
                if pb <= pa:
                    continue
                units.append(Unit(turn=i, start=pa, end=pb, text=turn.text[pa:pb],
                                  at_s=turn.time_at(pa), prev_interviewer=last_interviewer,
                                  position=len(units), after_own_question=after_question))
        last_interviewer = ""
    return units
