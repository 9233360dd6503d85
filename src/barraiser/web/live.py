"""Live practice sessions held by one web app process.

A session's engine (its clock, its interviewer's memory) stays in memory while the
candidate is in the room; everything it says or hears is already in the store, so
after a server restart the engine is rebuilt from the store with `resume` and the
clock continues from the last saved beat. One lock per session keeps two tabs (or
a double-click) from interleaving turns.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager


class LiveSessions:
    def __init__(self, store, clock_factory=None):
        self.store = store
        self.clock_factory = clock_factory
        self._sessions: dict = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

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

        record = self.store.get_session(session_id, with_turns=False)  # NotFound -> 404
        with self._lock(record.id):
            s = self._sessions.get(record.id)
            if s is None or s.status == "ended":
                s = PracticeSession.resume(self.store, record.id, clock=self._clock(), unpause=False)
                with self._guard:
                    self._sessions[record.id] = s
            yield s
            if s.status == "ended":
                with self._guard:
                    self._sessions.pop(record.id, None)
