"""Read an answer with the interviewer's question.

"A late order hurts far more than an early one, so I'd rather show a wider window
than miss it" says the constraint that matters most when it answers "And the
constraint that matters most?". A sentence classifier sees the sentence alone and
may miss it. So the interviewer's question is given a topic (one of the signals it
asks about, or none) by a word n-gram classifier trained on dev/questions/, and the
first sentences of the answer have that signal's score raised, in proportion to how
sure the topic is.

An answer must still say something: a question can tell what an answer is about,
not whether it says anything. Only a sentence with MIN_CONTENT_WORDS content words
that is neither a question nor bare agreement is raised ("Top constraint." or
"Yes, exactly." after the right question earn nothing). Measured in docs/grading.md.
"""

from __future__ import annotations

import re

import numpy as np

from barraiser.grading import cues
from barraiser.grading.lexical import LexicalModel
from barraiser.grading.units import Unit

NONE_TOPIC = "none"
BOOST = 3.0  # logit added at a topic probability of 1
TOPIC_FLOOR = 0.3  # topic probabilities up to this raise nothing
MIN_CONTENT_WORDS = 8
ANSWER_REACH = 2  # sentences at the start of an answer that are raised
# Not raised: after "What could go wrong?", "I'd watch the share of tickets moved to another
# team" is a metric, not a failure, and raised it reads as two (docs/grading.md).
NOT_RAISED = {"failure_modes"}
SHORT_NUDGE_WORDS = 10  # "Go on." carries the question before it on

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


class QuestionTopics:
    """A softmax over topics from word n-grams of the interviewer's question."""

    def __init__(self, topics: list[str], lexical: LexicalModel):
        self.topics = topics
        self.lexical = lexical
        self.none = topics.index(NONE_TOPIC)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        z = self.lexical.logits(texts)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def last_question(text: str) -> str:
    """The interviewer's question in their turn: its last question, else its last two sentences."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    asked = [s for s in sentences if cues.is_question(s)]
    return asked[-1] if asked else " ".join(sentences[-2:])


def says_something(text: str) -> bool:
    """May this sentence be raised by its question? It must carry content of its own."""
    return (len(cues.content_words(text)) >= MIN_CONTENT_WORDS and not text.rstrip().endswith("?")
            and not cues.is_agreement_only(text))


def question_boost(units: list[Unit], topics: QuestionTopics, signal_ids: list[str]) -> np.ndarray:
    """(units, signals): the logit each unit's score is raised by for its question's topic."""
    out = np.zeros((len(units), len(signal_ids)), dtype=np.float32)
    if not units:
        return out
    # (topic's index in the classifier, the signal's column) for each topic that raises a signal
    pairs = [(ti, signal_ids.index(t)) for ti, t in enumerate(topics.topics) if t in signal_ids and t not in NOT_RAISED]
    turns: dict[int, list[int]] = {}
    for k, u in enumerate(units):
        turns.setdefault(u.turn, []).append(k)
    asked = {t: ks[0] for t, ks in turns.items() if units[ks[0]].prev_interviewer}
    probs = topics.probabilities([last_question(units[k].prev_interviewer) for k in asked.values()])
    topic_of = dict(zip(asked, probs))
    carried = np.zeros(len(signal_ids), dtype=np.float32)
    for turn, ks in turns.items():
        v = np.zeros(len(signal_ids), dtype=np.float32)
        p = topic_of.get(turn)
        if p is not None:
            nudge = len(cues.words(units[ks[0]].prev_interviewer)) < SHORT_NUDGE_WORDS
            if p[topics.none] > 0.5 and nudge:
                v = carried  # "Go on." keeps the question before it
            else:
                for ti, j in pairs:
                    v[j] = p[ti]
        carried = v
        lift = BOOST * np.clip((v - TOPIC_FLOOR) / (1.0 - TOPIC_FLOOR), 0.0, 1.0)
        for k in ks[:ANSWER_REACH]:
            if says_something(units[k].text):
                out[k] = lift
    return out


def raise_scores(probs: np.ndarray, boost: np.ndarray | None) -> np.ndarray:
    """Probabilities with their logits raised by `boost`."""
    if boost is None or not boost.any():
        return probs
    p = np.clip(probs, 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(np.log(p / (1 - p)) + boost)))


def lowered_bars(bars: np.ndarray, boost: np.ndarray | None) -> np.ndarray:
    """The bar an unraised score must reach so that, raised by `boost`, it clears `bars`."""
    if boost is None or not boost.any():
        return bars
    b = np.clip(bars, 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(np.log(b / (1 - b)) - boost)))
