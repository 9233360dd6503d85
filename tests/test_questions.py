"""Answers read with the interviewer's question (grading/questions.py).

A question can tell what an answer is about, never whether it says anything: an
answer with content is raised for its question's topic, an empty or agreeing one
is not, and the interviewer's own words are never the candidate's.
"""

from __future__ import annotations

import numpy as np
import pytest

from barraiser.grading import grade
from barraiser.grading.detect import Detector, SignalModel
from barraiser.grading.questions import (BOOST, MIN_CONTENT_WORDS, last_question, lowered_bars, question_boost,
                                         raise_scores, says_something)
from barraiser.grading.units import candidate_units
from barraiser.transcript.readers import read_text


@pytest.fixture(scope="module")
def detector():
    return Detector()


def transcript(*turns: tuple[str, str]):
    lines = [f"[{i * 20 // 60:02d}:{i * 20 % 60:02d}] {who}: {text}" for i, (who, text) in enumerate(turns)]
    return read_text("\n".join(lines) + "\n", name="t.md", candidate="Cand")


def found(detector, *turns) -> set[str]:
    return {s.id for s in grade(transcript(*turns), detector=detector).signals if s.present}


# An answer that states the constraint without the words a classifier keys on.
CONSTRAINT_ANSWER = ("Being late hurts far more than being early, people cancel and then stop planning "
                     "their evening around our window.")


def test_an_answer_with_content_is_read_with_its_question(detector):
    asked = found(detector, ("Interviewer", "Design delivery estimates for a grocery app."),
                  ("Cand", "Who is the user, the shopper at home?"),
                  ("Interviewer", "Yes. And what's the one constraint that matters most here?"),
                  ("Cand", CONSTRAINT_ANSWER))
    unasked = found(detector, ("Interviewer", "Design delivery estimates for a grocery app."),
                    ("Cand", "Who is the user, the shopper at home?"),
                    ("Interviewer", "Yes. Tell me more."),
                    ("Cand", CONSTRAINT_ANSWER))
    assert "top_constraint" in asked
    assert "top_constraint" not in unasked


@pytest.mark.parametrize("answer", ["Top constraint.", "Yes, exactly.", "Latency, I guess?", "Fallback, yes."])
def test_an_answer_without_content_earns_nothing_from_its_question(detector, answer):
    got = found(detector, ("Interviewer", "What's the one constraint that matters most, and what's your fallback?"),
                ("Cand", answer))
    assert not got & {"top_constraint", "fallback"}


def test_the_boost_lifts_only_the_start_of_an_answer_and_only_sentences_with_content(detector):
    tr = transcript(("Interviewer", "What happens when the model is down or unsure?"),
                    ("Cand", "Okay. " + CONSTRAINT_ANSWER + " " + CONSTRAINT_ANSWER + " " + CONSTRAINT_ANSWER))
    units = candidate_units(tr)
    boost = question_boost(units, detector.model.topics, detector.model.signal_ids)
    fallback = detector.model.index["fallback"]
    assert boost[0].max() == 0  # "Okay." says nothing
    assert 0 < boost[1, fallback] <= BOOST  # the first sentence with content
    assert boost[2:].max() == 0  # beyond the start of the answer
    assert not says_something("Top constraint.") and len(CONSTRAINT_ANSWER.split()) > MIN_CONTENT_WORDS


def test_go_on_keeps_the_question_before_it(detector):
    tr = transcript(("Interviewer", "What happens when the model is down or unsure?"),
                    ("Cand", "The shopper sees the store's usual delivery time for that hour, marked as typical."),
                    ("Interviewer", "Go on."),
                    ("Cand", "And when the store itself has no history we show the city's usual window instead."))
    units = candidate_units(tr)
    boost = question_boost(units, detector.model.topics, detector.model.signal_ids)
    j = detector.model.index["fallback"]
    assert boost[0, j] > 0 and boost[1, j] == pytest.approx(boost[0, j])


def test_failure_modes_are_never_raised_by_their_question(detector):
    # "What could go wrong?" then a metric to watch: a question names the topic, the
    # answer must name the failure (tests/test_detect.py has the whole interview).
    tr = transcript(("Interviewer", "What could go wrong?"),
                    ("Cand", "I'd watch the share of tickets that get moved to another team after routing."))
    boost = question_boost(candidate_units(tr), detector.model.topics, detector.model.signal_ids)
    assert boost[:, detector.model.index["failure_modes"]].max() == 0


def test_last_question_of_the_interviewers_turn():
    assert last_question("Good. That makes sense. And if the ranker fails? Take your time.") == "And if the ranker fails?"
    assert last_question("Good. Walk me through the flow. Start from the upload.") == \
        "Walk me through the flow. Start from the upload."


@pytest.mark.parametrize("p, bar, b", [(0.2, 0.5, 3.0), (0.49, 0.5, 0.0), (0.07, 0.55, 2.5), (0.9, 0.3, 1.0)])
def test_lowered_bars_are_what_raised_scores_must_clear(p, bar, b):
    probs, bars, boost = np.array([[p]]), np.array([[bar]]), np.array([[b]])
    assert (raise_scores(probs, boost) >= bars)[0, 0] == (probs >= lowered_bars(bars, boost))[0, 0]
    assert raise_scores(probs, np.zeros((1, 1))) is not None


def test_the_question_classifier_survives_save_and_load(tmp_path, detector):
    path = tmp_path / "m.npz"
    detector.model.save(path)
    again = SignalModel.load(path)
    q = ["What's your fallback if the model is down?", "Who is the user?", "Go on."]
    assert again.topics.topics == detector.model.topics.topics
    assert np.allclose(again.topics.probabilities(q), detector.model.topics.probabilities(q), atol=1e-6)
    assert np.allclose(again.topics.probabilities(q).sum(1), 1.0)
