"""Many candidates posting turns at once to the web app, over loopback.

    .venv/bin/python bench/web_load.py [--candidates 50] [--turns 6] [--seconds 120] [--postgres]
    make bench-web      # both stores, one after the other

Starts `barraiser serve` in its own process on 127.0.0.1 (SQLite in a temporary
folder, or the PostgreSQL database BARRAISER_DATABASE_URL points at), starts one
practice session per simulated candidate, then releases them all at the same
moment: each posts a turn (`?wait=false`: the server answers once the turn is
committed), fetches the interviewer's reply, and posts the next, `--turns` times.
Bounded in count and in time (`--seconds`).

Each candidate has its own keep-alive connection, as each browser would, driven by
the standard library's small HTTP client, and has loaded its session over it before
the release (the room is open when a candidate sends). (One shared httpx client for all 50
threads measured its own overhead: against a server that does nothing it gave a
burst p95 of 88-138 ms where one connection per candidate gave 22 ms.)

Prints, measured in this one run:
- post latency p50/p95/max (the candidate's turn acknowledged as stored);
- reply latency p50/p95 (post to the interviewer's reply in hand);
- errors (any non-2xx or transport failure);
- lost turns: turns acknowledged minus candidate turns found in the store.
Target (issue 6): post p95 <= 200 ms, no errors, no lost turn.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ANSWERS = [
    "Before I design anything, who are the main users, and how many requests do we see a day?",
    "I'll design for the people who rely on this every day; the one thing that cannot happen is a wrong answer "
    "that costs them money, so I'd accept slower answers to protect that.",
    "Success is the share of sessions where the user acts on our answer without correcting it.",
    "End to end: the request comes in, we fetch candidates, a model ranks them, and when confidence is low "
    "we fall back to a simple rule the user can understand.",
    "I see two options for the model: a rules baseline that is cheap and clear, or a learned ranker that is "
    "more accurate but slower; I'd start with the baseline.",
    "Two ways this fails the user: a confident wrong answer, and no answer at peak; I'd cap automatic actions "
    "and alert when errors rise.",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))] if v else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--candidates", type=int, default=50)
    ap.add_argument("--turns", type=int, default=6)
    ap.add_argument("--seconds", type=float, default=180.0, help="stop posting after this long")
    ap.add_argument("--postgres", action="store_true",
                    help="run on a throwaway PostgreSQL server on 127.0.0.1 (tests/pgserver.py; needs Debian's "
                         "postgresql package, which `make test` installs)")
    args = ap.parse_args()
    if args.postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        import pgserver

        bindir = pgserver.find_bindir()
        if bindir is None:
            raise SystemExit(pgserver.INSTALL_HINT)
        with tempfile.TemporaryDirectory() as base:
            server = pgserver.Server(bindir, Path(base))
            url = server.start()
            try:
                os.environ["BARRAISER_DATABASE_URL"] = pgserver.fresh_database(url, "web_load")
                run(args)
            finally:
                server.stop()
    else:
        run(args)


def run(args) -> None:

    import httpx

    from barraiser.store import Store
    from barraiser.store.engine import describe

    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "BARRAISER_HOME": home}
        url = os.environ.get("BARRAISER_DATABASE_URL") or f"sqlite:///{Path(home) / 'barraiser.db'}"
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "barraiser", "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/api/prompts", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start: " + server.stderr.read().decode()[-2000:])
                    time.sleep(0.3)

            prompts = [p["id"] for p in httpx.get(base + "/api/prompts").json()]
            client = httpx.Client(base_url=base, timeout=120, limits=httpx.Limits(max_connections=args.candidates + 5))
            sessions = []
            for i in range(args.candidates):
                r = client.post("/api/sessions", json={"prompt_id": prompts[i % len(prompts)], "seed": i})
                r.raise_for_status()
                sessions.append(r.json()["id"])
            # warm the server's models before the clock starts (one reply)
            warm = client.post(f"/api/sessions/{sessions[0]}/turns", json={"text": "Who are the users?"})
            warm.raise_for_status()

            posts: list[float] = []
            first_burst: list[float] = []  # each candidate's first post: all of them at the same moment
            later: list[float] = []
            replies: list[float] = []
            errors: list[str] = []
            acknowledged = [0]
            lock = threading.Lock()
            start = threading.Barrier(args.candidates)
            stop_at = [0.0]

            def call(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None):
                data = json.dumps(body).encode() if body is not None else None
                conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
                r = conn.getresponse()
                return r.status, r.read()

            def candidate(i: int) -> None:
                rng = random.Random(i)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                # the candidate is in the room: the page (here its session) came over this connection
                call(conn, "GET", f"/api/sessions/{sessions[i]}")
                start.wait()
                if i == 0:
                    stop_at[0] = time.monotonic() + args.seconds
                for k in range(args.turns):
                    if stop_at[0] and time.monotonic() > stop_at[0]:
                        return
                    text = f"{ANSWERS[(i + k) % len(ANSWERS)]} ({i}.{k})"
                    t0 = time.perf_counter()
                    try:
                        status, body = call(conn, "POST", f"/api/sessions/{sessions[i]}/turns?wait=false",
                                            {"text": text})
                        t1 = time.perf_counter()
                        if status != 202:
                            raise RuntimeError(f"post {status}: {body[:200]!r}")
                        with lock:
                            posts.append(t1 - t0)
                            (first_burst if k == 0 else later).append(t1 - t0)
                            acknowledged[0] += 1
                        reply_url = json.loads(body)["reply_url"]
                        while True:
                            status, body = call(conn, "GET", reply_url)
                            if status == 200:
                                break
                            if status != 202:
                                raise RuntimeError(f"reply {status}: {body[:200]!r}")
                        with lock:
                            replies.append(time.perf_counter() - t0)
                    except Exception as e:  # noqa: BLE001 - every failure is counted and shown
                        with lock:
                            errors.append(str(e)[:200])
                        conn.close()  # a fresh connection for the next turn
                    time.sleep(rng.uniform(0.0, 0.2))  # a little reading time
                conn.close()

            threads = [threading.Thread(target=candidate, args=(i,)) for i in range(args.candidates)]
            t_all = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t_all
            client.close()
        finally:
            server.terminate()
            server.wait(timeout=60)

        store = Store.open(url)
        stored = sum(sum(1 for t in store.turns(sid) if t.role == "candidate") for sid in sessions) - 1  # - warm-up
        store.close()

    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731
    print(f"store: {describe(url).split(':')[0]}; {args.candidates} candidates x {args.turns} turns, "
          f"released at once; {wall:.1f} s in all")
    print(f"post (turn stored and acknowledged): p50 {statistics.median(ms(posts)):.1f} ms, "
          f"p95 {pct(ms(posts), 0.95):.1f} ms, max {max(ms(posts)):.1f} ms   (target p95 <= 200 ms)")
    print(f"  of which the first burst (all {len(first_burst)} at once): p50 {statistics.median(ms(first_burst)):.1f} ms, "
          f"p95 {pct(ms(first_burst), 0.95):.1f} ms; later posts p95 {pct(ms(later), 0.95):.1f} ms")
    if replies:
        print(f"reply (post to interviewer's reply): p50 {statistics.median(ms(replies)):.0f} ms, "
              f"p95 {pct(ms(replies), 0.95):.0f} ms")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"lost turns: {acknowledged[0] - stored} ({acknowledged[0]} acknowledged, {stored} stored)")


if __name__ == "__main__":
    main()
