"""Hollow answers: sentences that sound like an answer and commit to nothing.

"We'd have a cold start strategy for new users", "the user is whoever is on the
receiving end", "the data governance board decides what we can collect": each
names the rubric's idea (so the signal classifier, which learnt what the topic
sounds like, scores it high) without saying which user, what the new user gets
or what data comes first. The form rules (detect.block_reason) catch the shapes
that have a shape: bare lists, assent, "it depends". This catches the rest by
meaning: a logistic regression over the sentence's MiniLM embedding, fitted on
dev/imitation/sentences.yaml (hollow and real answers for 16 signals, written in
many voices by an author who saw neither the grader nor the rest of dev/) and on
every real answer the labelled corpus holds (dev/sentences positives, and the
units the train split's labels quote).

A lead-in ("And there's one thing I'd protect above everything else.") reads as
hollow alone; it is judged together with the sentence that follows it in the
same turn, and only a unit that reads as hollow both ways is set aside.

It applies to the positive signals other than clarifying_question and
tradeoff_statement: a red flag is a behaviour, not a claim of substance, a question
is judged by its form, and a trade-off is abstract by nature (see gated_signals).

Echoes: "The share of sessions where the driver is parked within five minutes" after
the interviewer's "What if success was the share of sessions where the driver parks
within five minutes?" is a good answer read alone, and the form rule on echoes
(cues.is_echo) only catches replies that add no word at all. `EchoGate` reads the reply
with the interviewer's turn before it: a logistic regression over the reply's MiniLM
embedding against the interviewer sentence closest to it (their elementwise product
and distance, the cosine), the share of the reply's content words the interviewer
did not say, and its length. It is fitted on dev/imitation/echo_pairs.yaml (200
interviewer turns echoed, in the same words or in synonyms, and 200 answered with
something of the candidate's own: a detail, a number, a reason, a choice), by an author
who saw neither the grader nor the rest of dev/. It applies to every positive signal
but clarifying_question, and only after an interviewer turn with content to echo.

    python -m barraiser.grading.imitation     # refits grading/models/imitation.npz
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "models" / "imitation.npz"
# A unit is hollow when P(hollow) exceeds this, alone and read with the next unit.
# Chosen on the train split's out-of-author scores, dev/pending, dev/adversarial and
# dev/adversarial-check (2026-11-25): 0.8 is the lowest bar that costs no signal
# F1 or verdict on the first two; 0.7 lost a dev/pending verdict, 0.6 an
# out-of-author one. dev/adversarial-blind was measured once, after the choice.
THRESHOLD = 0.8
# Inverse regularisation: at C=1 (the figures above) the fit blocked 5 of 286 labelled
# dev/pending answers read alone at P > 0.8; C=3 6, C=0.3 3 but it also let through
# a third more of the imitation.
C = 1.0
# A reply is an echo when P(echo) exceeds this. Chosen on out-of-author scores,
# dev/pending, dev/echo-dev, dev/adversarial and -check (2026-11-25): at 0.8 no signal
# F1 or verdict is lost on the first two, while dev/echo-dev's false findings fall 32 ->
# 22; 0.6 lost an out-of-author verdict. dev/adversarial-blind was measured once, after.
ECHO_THRESHOLD = 0.8
# An interviewer turn with fewer content words than this has nothing to echo ("Go on.").
ECHO_MIN_CONTENT = 8
# The interviewer's last sentences that a reply is compared with: a proposal ends the turn.
ECHO_SENTENCES = 2


@lru_cache(maxsize=1)
def answer_signals() -> frozenset[str]:
    """The signals the gates are fitted on, and the echo gate applies to: the rubric's
    positive signals but the question."""
    from barraiser.content.rubric import rubric

    return frozenset(s.id for s in rubric().signals if s.kind == "positive") - {"clarifying_question"}


@lru_cache(maxsize=1)
def gated_signals() -> frozenset[str]:
    """The signals the gate applies to. A trade-off is abstract by nature ("we give up
    some speed to keep precision high") and reads as hollow too often: read alone, 5 of
    62 labelled train trade-offs scored over the bar by a fit without them."""
    return answer_signals() - {"tradeoff_statement"}


class _LinearGate:
    """A logistic regression stored in imitation.npz under `PREFIX`coef / `PREFIX`bias."""

    PREFIX = ""
    THRESHOLD = 0.5

    def __init__(self, coef: np.ndarray, bias: float, threshold: float | None = None):
        self.coef, self.bias = coef.astype(np.float32), float(bias)
        self.threshold = self.THRESHOLD if threshold is None else threshold

    @classmethod
    def load(cls, path: Path = MODEL_PATH):
        with np.load(path, allow_pickle=False) as z:
            return cls(z[cls.PREFIX + "coef"], float(z[cls.PREFIX + "bias"]))

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.bias)))


class HollowGate(_LinearGate):
    """P(hollow) of a sentence from its (unit-norm) MiniLM embedding."""

    THRESHOLD = THRESHOLD

    def hollow(self, units, candidates, embed) -> np.ndarray:
        """(units,) bool: which of the `candidates` (unit indices) read as hollow, alone
        and together with the next unit of the same turn. `embed` maps texts to rows."""
        out = np.zeros(len(units), dtype=bool)
        idx = sorted(set(int(k) for k in candidates))
        if not idx:
            return out
        p = self.probabilities(embed([units[k].text for k in idx]))
        over = [k for k, pk in zip(idx, p) if pk > self.threshold]
        joined = [k for k in over if k + 1 < len(units) and units[k + 1].turn == units[k].turn]
        rescued = set()
        if joined:
            pj = self.probabilities(embed([units[k].text + " " + units[k + 1].text for k in joined]))
            rescued = {k for k, pk in zip(joined, pj) if pk <= self.threshold}
        for k in over:
            out[k] = k not in rescued
        return out


def _sentences(text: str) -> list[str]:
    from barraiser.grading import cues
    from barraiser.grading.units import _sentence_spans

    found = [text[a:b] for a, b in _sentence_spans(text)]
    return ([x for x in found if cues.content_words(x)] or [text])[-ECHO_SENTENCES:]


def echo_features(reply: str, interviewer: str, embed) -> np.ndarray:
    """The echo gate's input for a reply and the interviewer turn before it."""
    from barraiser.grading import cues

    sentences = _sentences(interviewer)
    vectors = embed(sentences + [reply])
    said, v = vectors[:-1], vectors[-1]
    cos = said @ v
    best = said[int(cos.argmax())]
    own = cues.content_stems(reply)
    novelty = len(own - cues.content_stems(interviewer)) / len(own) if own else 0.0
    return np.r_[v * best, np.abs(v - best), cos.max(), novelty,
                 min(len(cues.words(reply)), 40) / 40].astype(np.float32)


class EchoGate(_LinearGate):
    """P(echo) of a reply given the interviewer's turn before it."""

    PREFIX = "echo_"
    THRESHOLD = ECHO_THRESHOLD

    def probability(self, reply: str, interviewer: str, embed) -> float:
        return float(self.probabilities(echo_features(reply, interviewer, embed)))

    def echoes(self, units, candidates, embed) -> np.ndarray:
        """(units,) bool: which of the `candidates` (unit indices) echo the interviewer
        turn just before their own turn."""
        from barraiser.grading import cues

        out = np.zeros(len(units), dtype=bool)
        checked = [k for k in sorted(set(int(k) for k in candidates))
                   if units[k].prev_interviewer
                   and len(cues.content_words(units[k].prev_interviewer)) >= ECHO_MIN_CONTENT]
        if not checked:
            return out
        # one batch for every sentence needed: a model call per unit costs more than the work
        needed = [units[k].text for k in checked]
        for k in checked:
            needed += _sentences(units[k].prev_interviewer)
        embed(needed)
        for k in checked:
            out[k] = self.probability(units[k].text, units[k].prev_interviewer, embed) > self.threshold
        return out


# ---------------------------------------------------------------- fitting (development only)

def _dev() -> Path:
    from barraiser.grading.training import DEV

    return DEV


def training_data() -> tuple[list[str], list[str]]:
    """(real answers, hollow answers)."""
    import yaml

    from barraiser.grading.evaluation import _norm, load_dev_set
    from barraiser.grading.units import candidate_units

    gated = answer_signals()
    dev = _dev()
    real: list[str] = []
    for path in sorted((dev / "sentences").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("signal") in gated:
            real += [t.strip() for t in data.get("positive") or [] if t and t.strip()]
    hollow: list[str] = []
    for path in sorted((dev / "imitation").glob("sentences*.yaml")):
        corpus = yaml.safe_load(path.read_text(encoding="utf-8"))
        for signal, parts in corpus.items():
            if signal not in gated:
                raise ValueError(f"{path.name}: unknown or ungated signal {signal!r}")
            hollow += [t.strip() for t in parts["empty"]]
            real += [t.strip() for t in parts["substantive"]]
    # the units the train split's labels quote: real answers in real speech
    for item in load_dev_set(dev, "train"):
        units = candidate_units(item.transcript)
        for signal, quote in item.signals.items():
            if not quote or signal not in gated:
                continue
            q = _norm(quote)
            hit = next((u for u in units if q[:40] in _norm(u.text) or _norm(u.text) in q), None)
            if hit is not None:
                real.append(hit.text)
    return real, hollow


def data_hash() -> str:
    dev = _dev()
    h = hashlib.sha256()
    files = [*sorted((dev / "imitation").glob("*.yaml")), *sorted((dev / "sentences").glob("*.yaml")),
             *sorted((dev / "labels").glob("*")), *sorted((dev / "transcripts").glob("*"))]
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(repr(C).encode())
    return h.hexdigest()[:16]


def fit(real: list[str], hollow: list[str], backend) -> HollowGate:
    from sklearn.linear_model import LogisticRegression

    from barraiser.grading.training import cached_embeddings

    x = cached_embeddings(backend, real + hollow)
    y = np.r_[np.zeros(len(real)), np.ones(len(hollow))]
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(x, y)
    return HollowGate(clf.coef_[0], float(clf.intercept_[0]))


def fit_echo(backend) -> tuple[EchoGate, int]:
    import yaml
    from sklearn.linear_model import LogisticRegression

    from barraiser.grading.training import cached_embeddings

    pairs: dict[str, list] = {"echo": [], "own": []}
    for path in sorted((_dev() / "imitation").glob("echo_pairs*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in pairs:
            pairs[key] += data[key]

    def embed(texts: list[str]) -> np.ndarray:
        return cached_embeddings(backend, texts)

    rows, ys = [], []
    for label, key in ((1, "echo"), (0, "own")):
        for pair in pairs[key]:
            rows.append(echo_features(pair["candidate"], pair["interviewer"], embed))
            ys.append(label)
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(np.array(rows), np.array(ys))
    return EchoGate(clf.coef_[0], float(clf.intercept_[0])), len(ys)


def main() -> int:
    from barraiser.grading.embeddings import get_backend

    backend = get_backend()
    real, hollow = training_data()
    gate = fit(real, hollow, backend)
    echo, pairs = fit_echo(backend)
    np.savez_compressed(MODEL_PATH, coef=gate.coef, bias=np.array(gate.bias), echo_coef=echo.coef,
                        echo_bias=np.array(echo.bias), data_hash=np.array(data_hash()))
    print(f"wrote {MODEL_PATH} ({len(real)} real answers, {len(hollow)} hollow; {pairs} echo pairs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
