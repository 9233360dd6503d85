"""Measure the grader against the labelled development set (dev/).

Used by bench/accuracy.py (on the holdout split) and by training (thresholds are
tuned on the train split only). A label gives, per signal, the verbatim quote of
the first place the candidate shows it, or null; its time is read from the
transcript, so labels and grader agree on what "when" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from barraiser.content.models import SIGNAL_IDS, VERDICTS
from barraiser.transcript.model import Transcript

TIME_TOLERANCE_S = 30.0


@dataclass
class Labelled:
    id: str
    split: str
    path: Path
    prompt_id: str | None
    candidate: str | None
    expected_verdict: str
    signals: dict[str, str | None]
    meta: dict = field(default_factory=dict)
    transcript: Transcript | None = None
    times: dict[str, float | None] = field(default_factory=dict)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def quote_time(tr: Transcript, quote: str) -> float | None:
    """When the candidate said `quote` (None when it cannot be found in their turns)."""
    for t in tr.turns:
        if t.speaker != tr.candidate:
            continue
        i = t.text.find(quote)
        if i >= 0:
            return t.time_at(i)
    nq = _norm(quote)
    for t in tr.turns:
        if t.speaker == tr.candidate and nq in _norm(t.text):
            # approximate the offset in the raw text by the normalised one
            i = _norm(t.text).find(nq)
            return t.time_at(i)
    return None


def load_dev_set(root: Path, split: str | None = None) -> list[Labelled]:
    from barraiser.transcript.readers import read_transcript

    out = []
    for label_path in sorted((root / "labels").glob("*.yaml")):
        data = yaml.safe_load(label_path.read_text(encoding="utf-8"))
        if split and data.get("split") != split:
            continue
        matches = [p for p in (root / "transcripts").glob(f"{data['id']}.*")]
        if len(matches) != 1:
            raise FileNotFoundError(f"{label_path}: expected one transcript named {data['id']}.*")
        item = Labelled(id=data["id"], split=data["split"], path=matches[0], prompt_id=data.get("prompt_id"),
                        candidate=data.get("candidate"), expected_verdict=data["expected_verdict"],
                        signals={s: data["signals"].get(s) for s in SIGNAL_IDS},
                        meta={k: v for k, v in data.items() if k not in ("signals",)})
        item.transcript = read_transcript(item.path, candidate=item.candidate)
        item.times = {s: (quote_time(item.transcript, q) if q else None) for s, q in item.signals.items()}
        out.append(item)
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def quadratic_kappa(a: list[str], b: list[str], labels=VERDICTS) -> float:
    """Cohen's kappa with quadratic weights over the ordered verdicts."""
    k = len(labels)
    idx = {v: i for i, v in enumerate(labels)}
    n = len(a)
    if n == 0:
        return 0.0
    obs = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b):
        obs[idx[x]][idx[y]] += 1
    ra = [sum(row) for row in obs]
    rb = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * obs[i][j]
            den += w * ra[i] * rb[j] / n
    return 1.0 - num / den if den else 1.0


@dataclass
class Scores:
    per_signal: dict[str, tuple[float, float, float, int, int, int]]
    macro_f1: float
    time_within: float
    time_checked: int
    verdict_exact: float
    verdict_kappa: float
    verdicts: list[tuple[str, str, str]]  # (id, expected, got)
    errors: list[str]


def score_reports(items: list[Labelled], reports: list) -> Scores:
    counts = {s: [0, 0, 0] for s in SIGNAL_IDS}
    within = checked = 0
    errors = []
    for item, rep in zip(items, reports):
        got = {s.id: s for s in rep.signals}
        for s in SIGNAL_IDS:
            want = item.signals[s] is not None
            have = got[s].present
            if want and have:
                counts[s][0] += 1
                t = item.times[s]
                if t is not None:
                    checked += 1
                    if abs(got[s].first_at_s - t) <= TIME_TOLERANCE_S:
                        within += 1
                    else:
                        errors.append(f"{item.id} {s}: first at {got[s].first_at_s:.0f}s, label {t:.0f}s")
            elif have:
                counts[s][1] += 1
                errors.append(f"{item.id} {s}: false positive \"{got[s].evidence[0].quote[:90]}\"")
            elif want:
                counts[s][2] += 1
                errors.append(f"{item.id} {s}: missed \"{item.signals[s][:90]}\"")
    per = {s: (*prf(*c), *c) for s, c in counts.items()}
    macro = sum(v[2] for v in per.values()) / len(per)
    verdicts = [(i.id, i.expected_verdict, r.verdict) for i, r in zip(items, reports)]
    exact = sum(e == g for _, e, g in verdicts) / len(verdicts) if verdicts else 0.0
    kappa = quadratic_kappa([e for _, e, _ in verdicts], [g for _, _, g in verdicts])
    return Scores(per, macro, within / checked if checked else 1.0, checked, exact, kappa, verdicts, errors)
