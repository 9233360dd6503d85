"""Speed and memory of grading a 45-minute interview (about 6,000 words).

    .venv/bin/python bench/speed.py [--runs N]

The interview is assembled from the development set's transcripts (their turns in
order, times rescaled to 45 minutes) so that its sentences are realistic. Prints:
- `barraiser --help` wall time (median of N process runs);
- cold: the whole CLI process grading the file to JSON (median of N runs), and its peak RSS;
- warm: a library call with the model already loaded (median and worst of N calls);
- how many units the cascade sent to MiniLM (grading/gate.py), and MiniLM's
  throughput on all the candidate's units measured in the same run, to compare ratios.
Targets (issue 2): warm <= 0.3 s, cold <= 2 s, peak <= 400 MB, --help <= 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "barraiser"
TARGET_WORDS = 6000
LENGTH_S = 45 * 60


def build_interview(path: Path) -> tuple[int, int]:
    from barraiser.grading.evaluation import load_dev_set

    items = sorted(load_dev_set(ROOT / "dev"), key=lambda i: -i.transcript.duration_s)
    turns, words = [], 0
    for it in items:
        tr = it.transcript
        if tr.timing != "measured":
            continue
        for t in tr.turns:
            who = "Candidate" if t.speaker == tr.candidate else "Interviewer"
            turns.append({"speaker": who, "text": t.text, "w": t.words})
            words += t.words
            if words >= TARGET_WORDS:
                break
        if words >= TARGET_WORDS:
            break
    clock = 0.0
    per_word = LENGTH_S / words
    out = []
    for t in turns:
        dur = t["w"] * per_word
        out.append({"speaker": t["speaker"], "start_s": round(clock, 2), "end_s": round(clock + dur, 2),
                    "text": t["text"]})
        clock += dur
    path.write_text(json.dumps({"schema": "barraiser.transcript/1", "candidate": "Candidate", "turns": out}))
    cand = sum(t["w"] for t in turns if t["speaker"] == "Candidate")
    return words, cand


def timed_process(cmd: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")
    # ru_maxrss of children is the largest child so far (KiB on Linux)
    return elapsed, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp()) / "interview-45min.json"
    words, cand_words = build_interview(tmp)
    print(f"interview: {words} words ({cand_words} from the candidate), 45:00, {os.cpu_count()} cores")

    helps = [timed_process([str(BIN), "--help"])[0] for _ in range(args.runs)]
    print(f"barraiser --help: median {statistics.median(helps):.3f}s")

    colds, peak = [], 0
    for _ in range(args.runs):
        t, rss = timed_process([str(BIN), "grade", str(tmp), "--format", "json"])
        colds.append(t)
        peak = max(peak, rss)
    print(f"cold (CLI process, grade to JSON): median {statistics.median(colds):.3f}s  worst {max(colds):.3f}s  "
          f"peak RSS {peak / 1024:.0f} MB")

    from barraiser.grading import grade
    from barraiser.grading.detect import Detector
    from barraiser.grading.units import candidate_units
    from barraiser.transcript.readers import read_transcript

    det = Detector()
    tr = read_transcript(tmp)
    grade(tr, detector=det)  # load everything once
    warms = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        grade(read_transcript(tmp), detector=det)
        warms.append(time.perf_counter() - t0)
    units = candidate_units(tr)
    texts = [u.text for u in units]
    embs = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        det.backend.embed(texts)
        embs.append(time.perf_counter() - t0)
    emb_t = statistics.median(embs)
    warm = statistics.median(warms)
    print(f"warm (library call, model loaded): median {warm:.3f}s  worst {max(warms):.3f}s")
    print(f"  the cascade embedded {det.embedded} of the {len(units)} candidate units")
    print(f"  embedding the {len(units)} candidate units alone: median {emb_t:.3f}s ({len(units) / emb_t:.0f} units/s), "
          f"{emb_t / warm:.0%} of the warm time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
