"""The cascade's cheap first stage: which units need the sentence embedding at all.

A unit's probability for a signal is `share * p_emb + (1 - share) * p_ngram`
(detect.py). The n-gram half is cheap and computed for every unit; knowing it, a
signal can only be found in the unit if the embedding logit reaches a bound:

    p >= threshold  <=>  p_emb >= r = (threshold - (1 - share) * p_ngram) / share

When r >= 1 no embedding can make it a finding; when r <= 0 it is one whatever
the embedding says. In between, the embedding logit is estimated from a static
embedding: every word piece of MiniLM's vocabulary carries its contribution to
each signal's logit (MiniLM run once per token at training time, then fitted by
ridge regression so that the mean over a sentence's pieces approximates MiniLM's
sentence vector, projected on the classifier's weights). The estimate is
recalibrated per signal and widened by a margin, both measured on the train
split's out-of-author scores (training.py); MiniLM then runs only on units where
some signal the rules allow is not clearly out of reach. Skipped units can never
be findings (their estimated probability stays below every allowed threshold),
so the cascade only ever loses findings, never adds one, and the margins are set
so that 99.5% of the train split's out-of-author findings are kept.

Grading needs numpy and `tokenizers` here; fitting (the `build_*` functions)
also needs scipy, which comes with the `dev` extra.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# Weight of a word piece in the sentence mean: a / (a + its frequency) in the
# training sentences (smooth inverse frequency), so "the" and "we" count little.
SIF_A = 1e-3
# Ridge strength pulling fitted token vectors towards MiniLM's own vector of the
# token alone (mapped linearly into sentence space); measured across authors on the
# train split (2026-11-24): 0.01 gave a held-out cosine to MiniLM of 0.76, 0.1 0.80, 1.0 0.78.
RIDGE = 0.1
# Share of the train split's out-of-author findings the gate must keep.
KEEP_RECALL = 0.995
MARGIN_GRID = [round(x, 2) for x in np.arange(0.0, 6.01, 0.25)]


@lru_cache(maxsize=2)
def tokenizer(path: str):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    return tok


def default_tokenizer():
    from barraiser.grading.embeddings import default_paths, missing_tokenizer

    _, tok_path = default_paths()
    if tok_path is None or not tok_path.exists():
        raise missing_tokenizer()
    return tokenizer(str(tok_path))


def token_ids(texts: list[str], tok=None) -> list[list[int]]:
    tok = tok or default_tokenizer()
    return [e.ids for e in tok.encode_batch(list(texts), add_special_tokens=False)]


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


class Gate:
    """Per-token logit contributions and their calibration (see the module doc)."""

    def __init__(self, contributions: np.ndarray, token_weights: np.ndarray, coef: np.ndarray,
                 margin: np.ndarray):
        self.contributions = contributions  # (vocabulary, signals), float16
        self.token_weights = token_weights.astype(np.float32)  # (vocabulary,)
        self.coef = coef.astype(np.float32)  # (signals, 3): estimate, n-gram logit, intercept
        self.margin = margin.astype(np.float32)  # (signals,)

    def static_logits(self, ids: list[list[int]]) -> np.ndarray:
        """The weighted mean of each text's token contributions: (texts, signals)."""
        out = np.zeros((len(ids), self.contributions.shape[1]), dtype=np.float32)
        lens = np.array([len(x) for x in ids])
        nz = np.nonzero(lens)[0]
        if len(nz) == 0:
            return out
        flat = np.fromiter((t for i in nz for t in ids[i]), dtype=np.int64, count=int(lens[nz].sum()))
        w = self.token_weights[flat]
        starts = np.concatenate([[0], np.cumsum(lens[nz])[:-1]])
        sums = np.add.reduceat(self.contributions[flat].astype(np.float32) * w[:, None], starts, axis=0)
        out[nz] = sums / np.maximum(np.add.reduceat(w, starts), 1e-9)[:, None]
        return out

    def estimate(self, static: np.ndarray, rest: np.ndarray, p_ngram: np.ndarray) -> np.ndarray:
        """Calibrated estimate of the embedding classifier's logit. `rest` is its exact
        part that needs no embedding (form cues and bias)."""
        a, g, b = self.coef[:, 0], self.coef[:, 1], self.coef[:, 2]
        return a * (static + rest) + g * logit(p_ngram) + b

    def reachable(self, estimate: np.ndarray, p_ngram: np.ndarray, thresholds: np.ndarray,
                  share: float) -> np.ndarray:
        """(units, signals): may this unit reach this signal's threshold, given the
        estimate? (The form rules may still forbid it: the caller checks those.)"""
        r = (thresholds - (1.0 - share) * p_ngram) / share
        return (r < 1) & ((r <= 0) | (estimate + self.margin >= logit(r)))


# ------------------------------------------------------------------ fitting (training only)

def token_weights(id_lists: list[list[int]], vocab_size: int) -> np.ndarray:
    counts = np.zeros(vocab_size)
    for ids in id_lists:
        np.add.at(counts, ids, 1)
    freq = (counts + 1) / (counts.sum() + vocab_size)
    return (SIF_A / (SIF_A + freq)).astype(np.float32)


def _sentence_matrix(id_lists: list[list[int]], weights: np.ndarray, vocab_size: int):
    import scipy.sparse as sp

    rows, cols, vals = [], [], []
    for r, ids in enumerate(id_lists):
        if not ids:
            continue
        w = weights[ids]
        rows.extend([r] * len(ids))
        cols.extend(ids)
        vals.extend(w / w.sum())
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(id_lists), vocab_size))


def fit_token_vectors(base: np.ndarray, weights: np.ndarray, id_lists: list[list[int]],
                      targets: np.ndarray, ridge: float = RIDGE) -> np.ndarray:
    """Token vectors whose weighted mean over a sentence approximates its MiniLM vector.

    `base` holds MiniLM's vector of each token alone; it is first mapped linearly into
    sentence space, then the tokens seen in the sentences are fitted by ridge
    regression towards the targets (the others keep their mapped vector).
    """
    import scipy.linalg

    a = _sentence_matrix(id_lists, weights, base.shape[0])
    x0 = np.asarray(a @ base)
    m = np.linalg.lstsq(np.hstack([x0, np.ones((len(x0), 1))]), targets, rcond=None)[0]
    mapped = (base @ m[:-1] + m[-1]).astype(np.float64)
    seen = np.unique(a.indices)
    a_seen = a[:, seen]
    gram = (a_seen.T @ a_seen).toarray() + ridge * np.eye(len(seen))
    rhs = a_seen.T @ targets + ridge * mapped[seen]
    out = mapped.copy()
    out[seen] = scipy.linalg.solve(gram, rhs, assume_a="pos")
    return out.astype(np.float32)


def reported(p: np.ndarray, allowed: np.ndarray, thresholds: np.ndarray, groups: np.ndarray,
             floor: float, relative: np.ndarray) -> np.ndarray:
    """(units, signals): which units the grader reports as findings, as far as one unit
    decides it: over the threshold, allowed, and (for signals where `relative` is set)
    at least `floor` times the signal's strongest finding in the same transcript
    (`groups` numbers the transcripts). See RELATIVE_FLOOR in detect.py."""
    found = allowed & (p >= thresholds)
    return found & (~relative | (p >= floor * strongest_per_group(p, found, groups)))


def strongest_per_group(p: np.ndarray, mask: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(units, signals): the highest `p` under `mask` in each unit's group (0 if none)."""
    out = np.zeros_like(p)
    for g in np.unique(groups):
        rows = groups == g
        out[rows] = np.where(mask[rows], p[rows], 0.0).max(0)
    return out


def calibrate(z: np.ndarray, static: np.ndarray, p_ngram: np.ndarray, allowed: np.ndarray,
              thresholds: np.ndarray, share: float, groups: np.ndarray, floor: float,
              relative: np.ndarray, recall: float = KEEP_RECALL) -> tuple[np.ndarray, np.ndarray, dict]:
    """Fit (coef, margin) on out-of-author scores of train units.

    z: the embedding classifier's exact logits; static: the uncalibrated estimate
    (static part plus cues and bias). Per signal, the estimate is regressed on the
    exact logit over the units where the embedding decides (0 < r < 1); the margin is
    k residual standard deviations, with the smallest k on a grid that keeps `recall`
    of the findings the grader would report from the exact scores (`reported`: a unit
    over the threshold but far weaker than the signal's best is dropped anyway, so
    losing it costs nothing).
    """
    n_sig = z.shape[1]
    r = (thresholds - (1.0 - share) * p_ngram) / share
    band = allowed & (r > 0) & (r < 1)
    lp = logit(p_ngram)
    coef = np.zeros((n_sig, 3), dtype=np.float32)
    coef[:, 0] = 1.0
    sd = np.full(n_sig, 1e6)  # a signal too rare to calibrate is never ruled out by the estimate
    est = np.zeros_like(z)
    for j in range(n_sig):
        x = np.stack([static[:, j], lp[:, j], np.ones(len(z))], 1)
        if band[:, j].sum() >= 10:
            coef[j] = np.linalg.lstsq(x[band[:, j]], z[band[:, j], j], rcond=None)[0]
            sd[j] = float((z[band[:, j], j] - x[band[:, j]] @ coef[j]).std())
        est[:, j] = x @ coef[j]
    exact = share / (1 + np.exp(-z)) + (1 - share) * p_ngram
    found = reported(exact, allowed, thresholds, groups, floor, relative)
    # The cascade's first round (detect.py): units whose central estimate already makes
    # them a finding. It does not depend on the margin, nor do the bars it sets: each
    # signal's threshold raised to `floor` times its strongest first-round finding.
    first = (allowed & ((share / (1 + np.exp(-est)) + (1 - share) * p_ngram) >= thresholds)).any(1)
    hit = allowed & first[:, None] & (exact >= thresholds)
    bars = np.where(relative, np.maximum(thresholds, floor * strongest_per_group(exact, hit, groups)),
                    thresholds).astype(np.float32)
    gate = Gate(np.zeros((1, n_sig), np.float16), np.ones(1), coef, np.zeros(n_sig))
    chosen = None
    for k in MARGIN_GRID:
        gate.margin = (k * sd).astype(np.float32)
        keep = first | (allowed & gate.reachable(est, p_ngram, bars, share)).any(1)
        kept = (found & keep[:, None]).sum() / max(found.sum(), 1)
        chosen = dict(k=k, kept_units=float(keep.mean()), kept_findings=float(kept),
                      findings=int(found.sum()), units=len(z), first_round=float(first.mean()))
        if kept >= recall:
            break
    return coef, (chosen["k"] * sd).astype(np.float32), chosen
