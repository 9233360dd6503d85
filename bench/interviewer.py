"""How fast the mock interviewer answers, warm, on this machine.

    .venv/bin/python bench/interviewer.py [--sessions N] [--database URL]

Replays the candidate turns of the development set's full-length interviews as
practice sessions (each turn at its own time, against the prompt the transcript
was about) and times every `send`: the candidate turn committed to the store,
live detection on the new sentences, matching scoping questions, choosing and
storing the reply. One warm-up session loads the models first; what is timed is
the steady state a candidate feels. Prints p50, p95 and the worst response, the
store write alone, and how many turns were timed. Target (issue 4): p95 <= 150 ms
on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def interviews(limit: int):
    """(prompt id, [(time, candidate text)]) of the longest measured dev transcripts."""
    from barraiser.grading.evaluation import load_dev_set

    items = [i for i in load_dev_set(ROOT / "dev") if i.transcript.timing == "measured" and i.prompt_id]
    items.sort(key=lambda i: -i.transcript.duration_s)
    out = []
    for it in items[:limit]:
        tr = it.transcript
        turns = [(t.start_s, t.text) for t in tr.turns if t.speaker == tr.candidate and t.words]
        out.append((it.prompt_id, turns))
    return out


def replay(store, prompt_id, turns, timings: list[float] | None) -> None:
    from barraiser.interview.clock import ManualClock
    from barraiser.interview.session import PracticeSession

    s = PracticeSession.start(store, prompt_id, minutes=45, seed=1, clock=ManualClock())
    for at, text in turns:
        s.set_elapsed(at)
        t0 = time.perf_counter()
        s.send(text)
        if timings is not None:
            timings.append(time.perf_counter() - t0)
        if s.time_up:
            break


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=6, help="full interviews to replay (default 6)")
    ap.add_argument("--database", default=None, help="store URL (default: a SQLite file in a temp folder)")
    args = ap.parse_args()

    from barraiser.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(args.database or f"sqlite:///{Path(tmp) / 'bench.db'}")
        sessions = interviews(args.sessions + 1)
        t0 = time.perf_counter()
        replay(store, *sessions[0], None)  # warm-up: loads the embedding model and detector
        warmup = time.perf_counter() - t0
        timings: list[float] = []
        for prompt_id, turns in sessions[1:]:
            replay(store, prompt_id, turns, timings)

        # the store write alone, for comparison in the same run
        sid = store.list_sessions(limit=1)[0].id
        writes = []
        for i in range(50):
            t = time.perf_counter()
            store.add_turn(sid, role="candidate", speaker="Candidate", kind="answer", text="x" * 400, wall_s=i,
                           start_s=i, end_s=i + 1)
            writes.append(time.perf_counter() - t)
        store.close()

    ms = sorted(x * 1000 for x in timings)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    print(f"store: {store.dialect}; warm-up session (model load included): {warmup:.1f} s")
    print(f"interviewer replies timed: {len(ms)} turns over {len(sessions) - 1} sessions")
    print(f"  p50 {statistics.median(ms):7.1f} ms")
    print(f"  p95 {p95:7.1f} ms   (target <= 150 ms)")
    print(f"  max {ms[-1]:7.1f} ms")
    print(f"store write of one turn alone: median {statistics.median(writes) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
