"""The labelled sets themselves: every quote is found in its transcript, said by the
candidate, and every expected verdict is the one RUBRIC.md gives to the labels.

A label that drifts from its transcript (a quote edited on one side only) or a verdict
that the rules do not give would make the accuracy figures measure the labels'
mistakes instead of the grader's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from barraiser.content.rubric import rubric
from barraiser.grading.detect import Finding
from barraiser.grading.evaluation import load_dev_set
from barraiser.grading.scoring import decide_verdict, signal_results

DEV = Path(__file__).resolve().parents[1] / "dev"
SETS = ["", "pending", "adversarial", "adversarial-check", "adversarial-blind", "echo-dev"]


@pytest.mark.parametrize("name", SETS)
def test_quotes_are_the_candidates_and_verdicts_follow_the_rubric(name):
    items = load_dev_set(DEV / name if name else DEV)
    assert len(items) >= (10 if name == "echo-dev" else 12)
    r = rubric()
    for it in items:
        cand = " ".join(" ".join(t.text.split()) for t in it.transcript.turns if t.speaker == it.transcript.candidate)
        findings = {}
        for s, quote in it.signals.items():
            if quote is None:
                continue
            assert it.times[s] is not None, f"{it.id}: {s} quote not found in the transcript: {quote!r}"
            assert " ".join(quote.split()) in cand, f"{it.id}: {s} quote is not the candidate's: {quote!r}"
            findings[s] = [Finding(s, 0, 0, it.times[s], quote, 1.0)]
        verdict = decide_verdict(r, {x.id: x for x in signal_results(r, findings)})[0]
        assert verdict == it.expected_verdict, f"{it.id}: labels give {verdict}, label file says {it.expected_verdict}"
