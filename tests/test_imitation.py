"""The hollow-answer gate (grading/imitation.py): a sentence that names the rubric's
idea and commits to nothing earns no signal, judged by meaning; a real answer,
short or plain, is not held back. The sentences were written for this file, not
taken from dev/imitation/ or any other training data."""

from __future__ import annotations

import numpy as np
import pytest

from barraiser.grading.detect import Detector
from barraiser.grading.embeddings import get_backend
from barraiser.grading.imitation import MODEL_PATH, HollowGate, data_hash, gated_signals
from barraiser.grading.units import candidate_units
from barraiser.transcript.readers import read_text

HOLLOW = [
    "For the metric, we'd pick the north star that best reflects the value we deliver.",
    "Our fallback would be a graceful degradation path, handled in a robust way.",
    "We'll figure out what breaks at ten x once we run the load tests.",
    "Cold start we'd handle with a sensible strategy for new users.",
    pytest.param("The user is basically whoever ends up using the product day to day.",
                 marks=pytest.mark.xfail(strict=True, reason="vague in plain words, no rubric vocabulary: "
                                                               "P(hollow) 0.26, a known gap")),
]
REAL = [
    "Warehouse pickers on the night shift.",
    "If the model isn't sure, we show the three most recent orders instead.",
    "At ten x the GPU bill breaks before latency does.",
    "The one thing I won't give up is a price quote under two seconds.",
    "New riders get the city's most popular routes until we have five trips from them.",
]


@pytest.fixture(scope="module")
def gate():
    return HollowGate.load()


@pytest.fixture(scope="module")
def embed():
    return get_backend().embed


@pytest.mark.parametrize("sentence", HOLLOW)
def test_hollow_answers_read_as_hollow(gate, embed, sentence):
    assert gate.probabilities(embed([sentence]))[0] > gate.threshold


@pytest.mark.parametrize("sentence", REAL)
def test_real_answers_short_or_plain_are_not_hollow(gate, embed, sentence):
    assert gate.probabilities(embed([sentence]))[0] <= gate.threshold


def _units(*lines: str):
    text = "".join(f"[00:{10 * i:02d}] {who}: {said}\n" for i, (who, said) in
                   enumerate([("Interviewer", "What's the constraint?"), *[("Cand", x) for x in lines]]))
    return candidate_units(read_text(text, name="t.md", candidate="Cand"))


def test_a_lead_in_is_read_with_the_sentence_after_it(gate, embed):
    """Alone, "there's one thing I'd protect" is a heading; with what follows, an answer."""
    lead = "And there's one thing I would protect above everything else."
    assert gate.probabilities(embed([lead]))[0] > gate.threshold
    units = _units(lead + " A price quote that lands in under two seconds, because the rider is at the kerb.")
    assert len(units) == 2
    assert not gate.hollow(units, [0, 1], embed).any()
    # the same heading at the end of a turn has nothing after it to fill it in
    units = _units(lead, "Next I'd look at the data.")
    assert gate.hollow(units, [0], embed).tolist()[0]


@pytest.mark.parametrize("question, answer, signal", [
    ("New users?", "Cold start we'd handle with a sensible strategy for new users.", "cold_start"),
    ("What's your metric?", "For the metric, we'd pick the north star that best reflects the value we deliver.",
     "success_metric"),
    ("What breaks at 10x?", "We'll figure out what breaks at ten x once we run the load tests.", "scale_breakpoint"),
])
def test_the_detector_holds_back_hollow_answers_and_only_through_the_gate(question, answer, signal):
    tr = read_text(f"[00:00] Interviewer: {question}\n[00:10] Cand: {answer}\n", name="t.md", candidate="Cand")
    _, with_gate = Detector().detect(tr)
    _, without = Detector(check_imitation=False).detect(tr)
    assert without[signal], "the signal classifier alone takes the topic for the answer"
    assert not with_gate[signal]


def test_the_gate_leaves_red_flags_questions_and_trade_offs_alone():
    from barraiser.grading.detect import RED_FLAGS

    assert not gated_signals() & set(RED_FLAGS)
    assert "clarifying_question" not in gated_signals() and "tradeoff_statement" not in gated_signals()
    assert {"user_defined", "fallback", "scale_breakpoint"} <= gated_signals()


def test_shipped_gate_is_fitted_on_the_current_data():
    """Edit dev/imitation/, dev/sentences/ or the train split, and this fails until the
    gates are refitted: `.venv/bin/python -m barraiser.grading.imitation`."""
    with np.load(MODEL_PATH) as z:
        assert str(z["data_hash"]) == data_hash(), "refit: .venv/bin/python -m barraiser.grading.imitation"
        assert z["coef"].shape == (384,) and np.isfinite(z["coef"]).all()
        # reply x closest interviewer sentence, |reply - sentence|, cosine, novelty, length
        assert z["echo_coef"].shape == (2 * 384 + 3,) and np.isfinite(z["echo_coef"]).all()


# (interviewer turn, candidate reply) written for this file
ECHOES = [
    ("What if we picked warehouse pickers on the night shift as the user, the ones who restock before the "
     "morning rush?", "Right, the night-shift pickers restocking before the morning rush."),
    ("Would you measure it by the share of orders that arrive inside the promised window, checked every week?",
     "Yeah, the share of orders inside the promised window, weekly."),
    ("I'd say the constraint is that a driver must never be sent to a spot that was taken ten minutes ago.",
     "Agreed, never send a driver to a spot that's already been taken."),
    pytest.param("What if we designed for night-shift nurses triaging incoming messages?",
                 "So, overnight nursing staff sorting the inbound queue.",
                 marks=pytest.mark.xfail(strict=True, reason="an echo in synonyms only: P(echo) 0.64, a known gap")),
]
OWN = [
    ("What's your fallback when the model isn't sure?",
     "We show the three most recent orders, labelled as recent, and let them pick."),
    ("Would you target riders or drivers first?",
     "Drivers, because they leave the platform when surge feels unfair and they're harder to win back."),
    ("What breaks first at ten times the traffic?",
     "The vector index stops fitting in memory on one machine, so search latency triples."),
]


@pytest.fixture(scope="module")
def echo_gate():
    from barraiser.grading.imitation import EchoGate

    return EchoGate.load()


@pytest.mark.parametrize("said, reply", ECHOES)
def test_a_reply_that_restates_the_interviewer_is_an_echo(echo_gate, embed, said, reply):
    assert echo_gate.probability(reply, said, embed) > echo_gate.threshold


@pytest.mark.parametrize("said, reply", OWN)
def test_a_reply_with_something_of_ones_own_is_not(echo_gate, embed, said, reply):
    assert echo_gate.probability(reply, said, embed) <= echo_gate.threshold


@pytest.mark.parametrize("said, reply, question, signal", [
    ("What if success were the share of first-time sellers who list a second item within thirty days?",
     "The share of first-time sellers listing a second item inside thirty days.",
     "How would you measure success?", "success_metric"),
    ("Would you fall back to the five most popular dishes in the area when the model is unsure?",
     "When the model's unsure we fall back to the five most popular dishes nearby.",
     "And when the model is unsure?", "fallback"),
])
def test_the_detector_credits_the_candidates_answer_not_the_interviewers(said, reply, question, signal):
    def found(detector, asked):
        tr = read_text(f"[00:00] Interviewer: {asked}\n[00:15] Cand: {reply}\n", name="t.md", candidate="Cand")
        return bool(detector.detect(tr)[1][signal])

    assert found(Detector(check_imitation=False), said), "the signal classifier alone takes the echo for an answer"
    assert not found(Detector(), said)
    assert found(Detector(), question), "said in answer to an open question, the same words are the candidate's"
