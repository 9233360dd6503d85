"""Train the signal classifier and tune its thresholds (a development tool).

    python -m barraiser.grading.training          # writes grading/models/detector.npz

Step 1 fits one logistic regression per signal on labelled sentences: the corpus
in dev/sentences/ (positives and hard negatives per signal, neutral interview
talk) and the shipped exemplars (hits and misses). Step 2 tunes each signal's
threshold on the TRAIN split of the labelled transcripts in dev/, with the same
rules the grader applies. The holdout split is never read here.

Needs scikit-learn (the `dev` extra); the grader itself only needs numpy.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np
import yaml

from barraiser.content.models import SIGNAL_IDS
from barraiser.grading import cues
from barraiser.grading.detect import MODEL_PATH, SignalModel, findings_from_scores
from barraiser.grading.embeddings import get_backend

REPO = Path(__file__).resolve().parents[3]
DEV = REPO / "dev"
EXEMPLARS = Path(__file__).resolve().parents[1] / "content" / "packs" / "core" / "exemplars"
CUE_SCALE = 1.0
THRESHOLD_GRID = [round(x, 2) for x in np.arange(0.30, 0.96, 0.05)]
DEFAULT_THRESHOLD = 0.5
# weight of another signal's positive when used as a negative (sentences can show two signals)
OTHER_POSITIVE_WEIGHT = 0.35
HARD_NEGATIVE_WEIGHT = 1.5


def sentence_corpus() -> tuple[list[str], dict[str, set[str]], dict[str, set[str]]]:
    """(texts, positives per signal, hard negatives per signal)."""
    pos: dict[str, set[str]] = {s: set() for s in SIGNAL_IDS}
    neg: dict[str, set[str]] = {s: set() for s in SIGNAL_IDS}
    neutral: set[str] = set()
    for path in sorted((DEV / "sentences").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if path.stem == "_neutral":
            neutral.update(t.strip() for t in data.get("neutral", []) if t and t.strip())
            continue
        s = data["signal"]
        pos[s].update(t.strip() for t in data.get("positive", []) if t and t.strip())
        neg[s].update(t.strip() for t in data.get("negative", []) if t and t.strip())
    for path in sorted(EXEMPLARS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        s = data["signal"]
        pos[s].update(h["text"].strip() for h in data.get("hits", []))
        neg[s].update(m["text"].strip() for m in data.get("misses", []))
    texts = sorted(set().union(*pos.values(), *neg.values(), neutral))
    return texts, pos, neg


def data_hash() -> str:
    h = hashlib.sha256()
    for folder in (DEV / "sentences", EXEMPLARS, DEV / "labels", DEV / "transcripts"):
        for path in sorted(folder.glob("*")):
            if path.is_file():
                h.update(path.name.encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


def fit(x: np.ndarray, texts: list[str], pos, neg, c: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    weights = np.zeros((len(SIGNAL_IDS), x.shape[1]), dtype=np.float32)
    bias = np.zeros(len(SIGNAL_IDS), dtype=np.float32)
    index = {t: i for i, t in enumerate(texts)}
    any_pos = set().union(*pos.values())
    for j, s in enumerate(SIGNAL_IDS):
        y = np.zeros(len(texts), dtype=int)
        w = np.ones(len(texts), dtype=float)
        for t in pos[s]:
            y[index[t]] = 1
        for t in any_pos - pos[s]:
            w[index[t]] = OTHER_POSITIVE_WEIGHT
        for t in neg[s] - pos[s]:
            w[index[t]] = HARD_NEGATIVE_WEIGHT
        if y.sum() == 0:
            bias[j] = -10.0  # no data for this signal: never fires
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        clf.fit(x, y, sample_weight=w)
        weights[j] = clf.coef_[0]
        bias[j] = clf.intercept_[0]
    return weights, bias


def cross_validate(x, texts, pos, neg, c: float, folds: int = 5) -> float:
    """Macro-F1 over signals of sentence-level predictions at 0.5, k-fold."""
    rng = np.random.default_rng(7)
    order = rng.permutation(len(texts))
    tp = np.zeros(len(SIGNAL_IDS)); fp = np.zeros(len(SIGNAL_IDS)); fn = np.zeros(len(SIGNAL_IDS))
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        tr_texts = [texts[i] for i in train]
        w, b = fit(x[train], tr_texts, {s: pos[s] & set(tr_texts) for s in SIGNAL_IDS},
                   {s: neg[s] & set(tr_texts) for s in SIGNAL_IDS}, c)
        p = 1 / (1 + np.exp(-(x[test] @ w.T + b)))
        for j, s in enumerate(SIGNAL_IDS):
            truth = np.array([texts[i] in pos[s] for i in test])
            pred = p[:, j] >= 0.5
            tp[j] += (truth & pred).sum(); fp[j] += (~truth & pred).sum(); fn[j] += (truth & ~pred).sum()
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    return float(f1.mean())


def tune_thresholds(model: SignalModel, verbose: bool = True) -> np.ndarray:
    """Per-signal threshold that maximises transcript-level F1 on the train split."""
    from barraiser.grading.detect import Detector
    from barraiser.grading.evaluation import load_dev_set
    from barraiser.grading.units import candidate_units

    items = load_dev_set(DEV, split="train")
    thresholds = np.full(len(SIGNAL_IDS), DEFAULT_THRESHOLD, dtype=np.float32)
    if not items:
        print("no train transcripts: thresholds left at the default", file=sys.stderr)
        return thresholds
    det = Detector(model=model)
    cached = []
    for it in items:
        units = candidate_units(it.transcript)
        cached.append((it, units, det.unit_scores(units)))
    for j, s in enumerate(SIGNAL_IDS):
        best = (-1.0, DEFAULT_THRESHOLD)
        for t in THRESHOLD_GRID:
            tp = fp = fn = 0
            for it, units, probs in cached:
                found = findings_from_scores(units, probs, model, {x: t for x in SIGNAL_IDS})[s]
                want = it.signals[s] is not None
                tp += bool(found) and want
                fp += bool(found) and not want
                fn += (not found) and want
            f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
            # prefer the threshold nearer 0.5 among equals: less fitted to this small set
            key = (round(f1, 4), -abs(t - 0.55))
            if key > (round(best[0], 4), -abs(best[1] - 0.55)):
                best = (f1, t)
        thresholds[j] = best[1]
        if verbose:
            print(f"  {s:24s} threshold {best[1]:.2f}  train F1 {best[0]:.2f}")
    return thresholds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--c", type=float, default=None, help="inverse regularisation (default: chosen by 5-fold CV)")
    ap.add_argument("--output", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)

    texts, pos, neg = sentence_corpus()
    print(f"sentences: {len(texts)}; positives per signal: "
          + ", ".join(f"{s}={len(pos[s])}" for s in SIGNAL_IDS))
    backend = get_backend()
    emb = backend.embed(texts)
    x = np.hstack([emb, np.array([cues.features(t) for t in texts], dtype=np.float32) * CUE_SCALE])
    c = args.c
    if c is None:
        scores = {cc: cross_validate(x, texts, pos, neg, cc) for cc in (0.5, 1.0, 2.0, 4.0, 8.0)}
        for cc, f in scores.items():
            print(f"  C={cc}: 5-fold sentence macro-F1 {f:.3f}")
        c = max(scores, key=scores.get)
    weights, bias = fit(x, texts, pos, neg, c)
    model = SignalModel(weights, bias, np.full(len(SIGNAL_IDS), DEFAULT_THRESHOLD, dtype=np.float32),
                        list(SIGNAL_IDS), backend.name, CUE_SCALE)
    print(f"C={c}; tuning thresholds on the train split")
    model.thresholds = tune_thresholds(model)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.output, weights=model.weights, bias=model.bias, thresholds=model.thresholds,
                        signal_ids=np.array(SIGNAL_IDS), backend=np.array(backend.name),
                        cue_scale=np.array(CUE_SCALE), c=np.array(c), data_hash=np.array(data_hash()))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
