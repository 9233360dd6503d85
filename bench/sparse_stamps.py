"""How well a transcript with a stamp only every few minutes is timed (Google Meet).

    .venv/bin/python bench/sparse_stamps.py [--every MINUTES]

Google Meet's transcript puts a stamp alone on a line every few minutes above the
"Name: words" lines, so most lines carry no time of their own and the reader places
them by their words between the stamps around them. This rewrites every timed
transcript of the labelled sets (dev/ and dev/pending/) that way, reads it back
through the ordinary reader, and prints how far each labelled quote moved from its
real time: the share within 30 s (the accuracy bench's tolerance), the median and
the worst. For comparison it prints the same with the stamps removed (the whole
conversation timed by word count).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from barraiser.grading.evaluation import TIME_TOLERANCE_S, load_dev_set, quote_time  # noqa: E402
from barraiser.transcript.readers import read_text  # noqa: E402


def _hms(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def as_meet(transcript, every_s: float, stamps: bool = True) -> str:
    """One "Name: words" line per turn, a stamp line above the first turn of each period."""
    out, next_stamp = [], 0.0
    for t in transcript.turns:
        if stamps and t.start_s >= next_stamp:
            out.append(_hms(t.start_s))
            next_stamp = (t.start_s // every_s + 1) * every_s
        out.append(f"{t.speaker}: {t.text}")
    return "\n".join(out) + "\n"


def moves(items, every_s: float, stamps: bool) -> list[float]:
    out = []
    for it in items:
        rewritten = read_text(as_meet(it.transcript, every_s, stamps), name="meet.txt",
                              candidate=it.transcript.candidate)
        for sid, quote in it.signals.items():
            real = it.times.get(sid)
            if quote and real is not None:
                placed = quote_time(rewritten, quote)
                if placed is not None:
                    out.append(abs(placed - real))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--every", type=float, default=5.0, help="minutes between stamps (default 5)")
    args = ap.parse_args()
    items = [it for d in (ROOT / "dev", ROOT / "dev" / "pending") for it in load_dev_set(d)
             if it.transcript.timing == "measured"]
    print(f"{len(items)} timed transcripts, rewritten with a stamp every {args.every:g} minutes")
    for label, stamps in ((f"stamps every {args.every:g} min", True), ("no stamps at all", False)):
        m = moves(items, args.every * 60, stamps)
        within = sum(x <= TIME_TOLERANCE_S for x in m) / len(m)
        print(f"{label:20s} {len(m)} quotes: within {TIME_TOLERANCE_S:.0f} s {within:.1%}, "
              f"median {statistics.median(m):.1f} s, worst {max(m):.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
