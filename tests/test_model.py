"""The shipped detector model: its numpy parts agree with scikit-learn, and it is
trained on the data that is in the repository now."""

from __future__ import annotations

import numpy as np
import pytest

from barraiser.content.models import SIGNAL_IDS
from barraiser.grading.detect import MODEL_PATH, SignalModel
from barraiser.grading.lexical import TOKEN, LexicalModel


def test_numpy_tfidf_matches_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ["We fall back to popular spots when the model isn't sure.",
            "If confidence is low we show popular spots, labelled.",
            "The model isn't sure, so we fall back, fall back again.",
            "Riders or drivers?"]
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, token_pattern=TOKEN.pattern).fit(docs)
    vocab = [None] * len(vec.vocabulary_)
    for term, i in vec.vocabulary_.items():
        vocab[i] = term
    ours = LexicalModel(vocab, vec.idf_, np.zeros((1, len(vocab))), np.zeros(1))
    theirs = vec.transform(docs).toarray()
    assert np.allclose(ours.transform(docs), theirs, atol=1e-6)


def test_shipped_model_covers_every_signal():
    model = SignalModel.load()
    assert model.signal_ids == list(SIGNAL_IDS)
    assert model.weights.shape[0] == len(SIGNAL_IDS)
    assert model.lexical is not None and 0 < model.embedding_share < 1
    assert np.all((model.thresholds >= 0.05) & (model.thresholds <= 0.99))
    # the interviewer question's topic: a signal it asks about, or none (grading/questions.py)
    assert model.topics is not None and "none" in model.topics.topics
    assert set(model.topics.topics) - {"none"} <= set(SIGNAL_IDS)


def test_question_topics_match_scikit_learn():
    """The shipped numpy softmax over question n-grams gives scikit-learn's probabilities."""
    import yaml
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from barraiser.grading.training import DEV, TOPIC_C

    texts, ys = [], []
    for path in sorted((DEV / "questions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += data["questions"]
        ys += [data["topic"]] * len(data["questions"])
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=TOKEN.pattern)
    clf = LogisticRegression(C=TOPIC_C, max_iter=5000).fit(vec.fit_transform(texts), ys)
    shipped = SignalModel.load().topics
    qs = ["And if the ranker fails?", "What would you give up for that?", "How often do you retrain it?",
          "Go on.", "what breaks first at ten x"]
    assert sorted(shipped.topics) == list(clf.classes_)
    order = [shipped.topics.index(c) for c in clf.classes_]
    assert np.allclose(shipped.probabilities(qs)[:, order], clf.predict_proba(vec.transform(qs)), atol=1e-5)
    assert [shipped.topics[i] for i in shipped.probabilities(qs).argmax(1)][:3] == \
        ["fallback", "tradeoff_statement", "retraining_policy"]


def test_shipped_model_is_trained_on_the_current_data():
    """Edit dev/ or the exemplars, and this fails until the model is retrained:
    `.venv/bin/python -m barraiser.grading.training`."""
    from barraiser.grading.training import data_hash

    with np.load(MODEL_PATH) as z:
        shipped = str(z["data_hash"])
    assert shipped == data_hash(), "retrain: .venv/bin/python -m barraiser.grading.training"


@pytest.mark.parametrize("text", ["", "   "])
def test_lexical_model_handles_empty_text(text):
    model = SignalModel.load()
    p = model.lexical.probabilities([text])
    assert p.shape == (1, len(SIGNAL_IDS)) and np.all((p >= 0) & (p <= 1))


def test_shipped_model_has_a_calibrated_gate():
    model = SignalModel.load()
    gate = model.gate
    assert gate is not None
    assert gate.contributions.shape[1] == len(SIGNAL_IDS) == gate.coef.shape[0] == len(gate.margin)
    assert gate.contributions.shape[0] == gate.token_weights.shape[0]
    assert np.all(gate.margin >= 0) and np.all(np.isfinite(gate.coef))


def test_the_gate_is_calibrated_on_what_the_grader_reports():
    """A unit over the threshold but under RELATIVE_FLOOR of its signal's best finding in
    the same transcript is dropped by the grader, so the gate need not keep it; a signal
    exempt from the floor (failure modes are counted) keeps every unit over its threshold."""
    from barraiser.grading.gate import reported

    p = np.array([[0.45, 0.45],   # transcript 0: weak ...
                  [0.95, 0.95],   # ... then strong
                  [0.45, 0.45]])  # transcript 1: weak, and the best it has
    allowed = np.ones_like(p, dtype=bool)
    found = reported(p, allowed, np.array([0.4, 0.4]), np.array([0, 0, 1]), 0.7, np.array([True, False]))
    assert found[:, 0].tolist() == [False, True, True]
    assert found[:, 1].tolist() == [True, True, True]
    found = reported(p, ~allowed, np.array([0.4, 0.4]), np.array([0, 0, 1]), 0.7, np.array([True, False]))
    assert not found.any()


def test_red_flags_are_tuned_to_weigh_a_false_alarm_above_a_miss():
    from barraiser.grading.training import RED_FLAG_BETA, timing_aware_f

    assert RED_FLAG_BETA < 1
    # 8 on time; one more false alarm versus one more miss
    one_false_alarm, one_miss = (8, 0, 1, 0), (8, 0, 0, 1)
    assert timing_aware_f(*one_false_alarm) == pytest.approx(timing_aware_f(*one_miss))
    assert timing_aware_f(*one_false_alarm, RED_FLAG_BETA) < timing_aware_f(*one_miss, RED_FLAG_BETA)
    # a finding at the wrong time is half a hit and half a false alarm
    assert timing_aware_f(0, 2, 0, 0) == pytest.approx(timing_aware_f(1, 0, 1, 0))
    assert timing_aware_f(0, 0, 0, 0) == 1.0


def test_shipped_thresholds_respect_the_training_floors():
    from barraiser.grading.training import MIN_THRESHOLD, THRESHOLD_GRID

    model = SignalModel.load(MODEL_PATH)
    for signal, floor in MIN_THRESHOLD.items():
        assert model.thresholds[model.index[signal]] >= floor - 1e-6
    assert all(min(THRESHOLD_GRID) - 1e-6 <= t <= max(THRESHOLD_GRID) + 1e-6 for t in model.thresholds)
