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
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

log = logging.getLogger("barraiser.web")
REPLY_WORKERS = 2  # one per core: detection is CPU-bound


class LiveSessions:
    def __init__(self, store, clock_factory=None):
        self.store = store
        self.clock_factory = clock_factory
        self._sessions: dict = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._queued: set[str] = set()      # sessions with a reply job waiting or running
        self._answered: dict[str, int] = {}  # session -> last turn seq once its reply is stored
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
        with self.use(session_id) as s:
            turn = s.record_turn(text)
            sid = s.id
        self._schedule(sid)
        return sid, turn

    def _schedule(self, session_id: str) -> None:
        with self._guard:
            if session_id in self._queued:
                return
            self._queued.add(session_id)
        self._pool.submit(self._answer, session_id)

    def _answer(self, session_id: str) -> None:
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

    def turns_after(self, session_id: str, after_seq: int):
        return [t for t in self.store.turns(session_id) if t.seq > after_seq]
