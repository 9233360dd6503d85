"""Accuracy of the grader on the held-aside part of the labelled development set.

    .venv/bin/python bench/accuracy.py [--split holdout|train|all] [--errors] [--dev DIR] [--model FILE] [--captions]

Prints per-signal precision, recall and F1, macro-F1 over the 25 signals, how often
`first_at_s` lands within 30 s of the labelled time (over signals found and
labelled present), and verdict agreement (exact, and quadratic-weighted kappa).
Nothing in the grader was tuned on the holdout split (see dev/README.md). On the
imitation sets (`--dev dev/adversarial --split all`, dev/adversarial-check, and
dev/adversarial-blind, held out from everything) the figure to read is the count of findings
the labels do not have: a keyword stuffer, a refuser or an echo must earn nothing.
`--captions` grades the same timed interviews re-exported as unpunctuated, lower-case
live captions (bench/captions.py); written answers are left out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Grader accuracy on the labelled development set")
    ap.add_argument("--split", default="holdout", choices=["holdout", "train", "all"])
    ap.add_argument("--errors", action="store_true", help="list every disagreement")
    ap.add_argument("--dev", type=Path, default=ROOT / "dev",
                    help="a labelled set in dev/'s layout (e.g. dev/pending, not trained on), default dev/")
    ap.add_argument("--model", type=Path, default=None, help="a detector .npz other than the shipped one")
    ap.add_argument("--captions", action="store_true",
                    help="grade each timed transcript re-exported as unpunctuated live captions")
    args = ap.parse_args(argv)

    from barraiser.grading import grade
    from barraiser.grading.detect import Detector
    from barraiser.grading.evaluation import TIME_TOLERANCE_S, load_dev_set, score_reports

    if args.model and not args.model.is_file():
        print(f"{args.model}: no such detector model (expected an .npz written by "
              f"`python -m barraiser.grading.training --output FILE`)", file=sys.stderr)
        return 2
    if not (args.dev / "labels").is_dir():
        print(f"{args.dev}: no labels/ folder (expected a labelled set in dev/'s layout, see dev/README.md)",
              file=sys.stderr)
        return 2
    items = load_dev_set(args.dev, None if args.split == "all" else args.split)
    if not items:
        print(f"no transcripts in split {args.split!r}", file=sys.stderr)
        return 1
    if args.captions:
        from captions import as_captions

        items = as_captions(items)
        if not items:
            print(f"no timed transcripts in split {args.split!r} to re-export as captions", file=sys.stderr)
            return 1
    from barraiser.grading.detect import SignalModel

    det = Detector(SignalModel.load(args.model)) if args.model else Detector()
    t0 = time.perf_counter()
    reports = [grade(i.transcript, None, detector=det) for i in items]
    elapsed = time.perf_counter() - t0
    sc = score_reports(items, reports)
    form = ", as unpunctuated captions" if args.captions else ""
    print(f"split: {args.split}{form}  transcripts: {len(items)}  graded in {elapsed:.1f}s")
    print(f"{'signal':26s} {'prec':>5s} {'rec':>5s} {'F1':>5s}   tp  fp  fn")
    for s, (p, r, f, tp, fp, fn) in sc.per_signal.items():
        print(f"{s:26s} {p:5.2f} {r:5.2f} {f:5.2f}  {tp:3d} {fp:3d} {fn:3d}")
    print(f"macro-F1 over 25 signals: {sc.macro_f1:.3f}")
    print(f"first_at_s within {TIME_TOLERANCE_S:.0f}s: {sc.time_within:.1%} of {sc.time_checked} signals found and labelled")
    print(f"verdict exact agreement: {sc.verdict_exact:.1%}   quadratic-weighted kappa: {sc.verdict_kappa:.3f}")
    false = sum(v[4] for v in sc.per_signal.values())
    # the measure that matters on dev/adversarial*: imitation answers must earn nothing
    print(f"findings the labels do not have: {false} ({false / len(items):.1f} a transcript)")
    for vid, want, got in sc.verdicts:
        mark = "  " if want == got else "!!"
        print(f"  {mark} {vid:45s} expected {want:15s} got {got}")
    if args.errors:
        print("\nDisagreements:")
        for e in sc.errors:
            print("  " + e)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
