"""Live practice sessions held by one web app process.

A session's engine (its clock, its interviewer's memory) stays in memory while the
candidate is in the room; everything it says or hears is already in the store, so
after a server restart the engine is rebuilt from the store with `resume` and the
clock continues from the last saved beat. One lock per session keeps two tabs (or
a double-click) from interleaving turns.

Posting a turn only commits it: the interviewer's reply is worked out by a small
pool of worker threads, so a burst of candidates sending at once is acknowledged
in milliseconds however long detection takes; the API waits for the reply without
holding a thread (`reply_ready` is a memory check).

Sending comes first: while turns are arriving, the reply workers hold back (for at
most `YIELD_MAX_S`) before starting the next reply, because detection's Python steps
share the interpreter lock with the request threads, and a candidate waits on the
acknowledgement of a send but is already reading while the interviewer "thinks".
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

log = logging.getLogger("barraiser.web")
REPLY_WORKERS = 2  # one per core: detection is CPU-bound
QUIET_S = 0.02      # a reply starts once no turn has arrived for this long ...
YIELD_MAX_S = 0.2   # ... or after this long, so a steady stream of sends cannot starve replies


class LiveSessions:
    def __init__(self, store, clock_factory=None):
        self.store = store
        self.clock_factory = clock_factory
        self._sessions: dict = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._queued: set[str] = set()      # sessions with a reply job waiting or running
        self._answered: dict[str, int] = {}  # session -> last turn seq once its reply is stored
        self._sending = 0                    # turns being stored right now
        self._last_send = 0.0
        self._traffic = threading.Condition()
        self._pool = ThreadPoolExecutor(max_workers=REPLY_WORKERS, thread_name_prefix="interviewer")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _lock(self, session_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def start(self, **options):
        from barraiser.interview.session import PracticeSession

        s = PracticeSession.start(self.store, clock=self._clock(), **options)
        with self._guard:
            self._sessions[s.id] = s
        return s

    def _clock(self):
        return self.clock_factory() if self.clock_factory else None

    @contextmanager
    def use(self, session_id: str):
        """The live engine of an unfinished practice session, locked for this request."""
        from barraiser.interview.session import PracticeSession

        # a session already live here needs no lookup (the API uses full IDs)
        live = self._sessions.get(session_id)
        sid = live.id if live is not None else self.store.get_session(session_id, with_turns=False).id  # 404
        with self._lock(sid):
            s = self._sessions.get(sid)
            if s is None or s.status == "ended":
                s = PracticeSession.resume(self.store, sid, clock=self._clock(), unpause=False)
                with self._guard:
                    self._sessions[sid] = s
            yield s
            if s.status == "ended":
                with self._guard:
                    self._sessions.pop(sid, None)

    # ------------------------------------------------------------ turns and replies

    def post_turn(self, session_id: str, text: str):
        """Commit the candidate's turn and queue the interviewer's reply."""
        # The API already marks the send from the moment the request is read; marking it
        # here too (the count nests) covers every other caller.
        with self.sending():
            with self.use(session_id) as s:
                turn = s.record_turn(text)
                sid = s.id
        self._schedule(sid)
        return sid, turn

    @contextmanager
    def sending(self):
        """Mark a turn on its way in; the API enters this as soon as the request is read,
        before it waits for a thread, so that the replies already hold back."""
        with self._traffic:
            self._sending += 1
        try:
            yield
        finally:
            with self._traffic:
                self._sending -= 1
                self._last_send = time.monotonic()
                self._traffic.notify_all()

    def _wait_for_quiet(self) -> None:
        give_up = time.monotonic() + YIELD_MAX_S
        with self._traffic:
            while True:
                now = time.monotonic()
                quiet_at = self._last_send + QUIET_S
                if now >= give_up or (self._sending == 0 and now >= quiet_at):
                    return
                self._traffic.wait(min(give_up, max(quiet_at, now + 0.005)) - now)

    def _schedule(self, session_id: str) -> None:
        with self._guard:
            if session_id in self._queued:
                return
            self._queued.add(session_id)
        self._pool.submit(self._answer, session_id)

    def _answer(self, session_id: str) -> None:
        self._wait_for_quiet()
        with self._guard:
            self._queued.discard(session_id)
        last = None
        try:
            with self.use(session_id) as s:
                replies = s.answer()
                if s.time_up or any(t.kind == "closing" for t in replies):
                    s.end("time")
                last = s.turns[-1].seq if s.turns else 0
        except Exception:  # the turn is stored; a later request answers it
            log.exception("the interviewer could not answer in session %s", session_id)
        finally:
            if last is not None:
                with self._guard:
                    self._answered[session_id] = max(last, self._answered.get(session_id, 0))

    def reply_ready(self, session_id: str, after_seq: int) -> bool:
        """Has the interviewer answered the turn numbered `after_seq` (a memory check, no query)?"""
        return self._answered.get(session_id, -1) > after_seq

    def ensure_answering(self, session_id: str, after_seq: int) -> None:
        """After a restart nothing is queued for a turn stored just before it: queue it."""
        if not self.reply_ready(session_id, after_seq):
            self._schedule(session_id)

    def live_id(self, session_id: str) -> str | None:
        """The session's ID if its engine is live in this process (no query)."""
        return session_id if session_id in self._sessions else None

    def peek(self, session_id: str, view):
        """`view(engine)` of a live, unfinished session, under its lock and without a
        query; None when the session is not live in this process or has ended."""
        if session_id not in self._sessions:
            return None
        with self._lock(session_id):
            s = self._sessions.get(session_id)
            return None if s is None or s.status == "ended" else view(s)

    def turns_after(self, session_id: str, after_seq: int):
        return [t for t in self.store.turns(session_id) if t.seq > after_seq]
