"""Every query Bar Raiser makes, behind one class; no SQL anywhere else.

The store hands out plain dataclasses, never ORM objects, so callers cannot
trigger a lazy load or write by accident. Each write is its own transaction,
committed before the method returns: a turn that `add_turn` accepted survives
a killed process.
"""

from __future__ import annotations

import sys
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from barraiser.errors import NotFound, UserError
from barraiser.store.engine import database_url, make_engine, migrate
from barraiser.store.schema import DrillResultRow, ReportRow, SessionRow, SettingRow, TurnRow, utcnow

STATUSES = ("active", "paused", "ended")


@dataclass(frozen=True)
class StoredTurn:
    seq: int
    role: str
    speaker: str
    kind: str
    text: str
    wall_s: float
    start_s: float
    end_s: float
    meta: dict
    created_at: datetime


@dataclass(frozen=True)
class StoredSession:
    id: str
    kind: str
    status: str
    prompt_id: str | None
    title: str
    minutes: float
    persona: str
    mode: str
    input_mode: str
    seed: int
    elapsed_s: float
    draft: str
    candidate: str | None
    source_name: str | None
    end_reason: str | None
    state: dict
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    turns: list[StoredTurn] = field(default_factory=list)
    verdict: str | None = None  # of the latest report, when listed
    score: float | None = None

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class StoredReport:
    id: int
    session_id: str
    verdict: str
    score: float
    timing: str
    report: dict
    created_at: datetime


class _TurnJob:
    """A turn waiting for the group commit, and what became of it."""

    def __init__(self, args: dict):
        self.args = args
        self.done = threading.Event()
        self.result: StoredTurn | None = None
        self.error: BaseException | None = None


def _aware(dt: datetime | None) -> datetime | None:
    # SQLite gives naive datetimes back; everything stored is UTC
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt


def _turn(row: TurnRow) -> StoredTurn:
    return StoredTurn(row.seq, row.role, row.speaker, row.kind, row.text, row.wall_s, row.start_s,
                      row.end_s, dict(row.meta or {}), _aware(row.created_at))


def _session(row: SessionRow, turns: list[TurnRow] | None = None, report: ReportRow | None = None) -> StoredSession:
    return StoredSession(
        row.id, row.kind, row.status, row.prompt_id, row.title, row.minutes, row.persona, row.mode,
        row.input_mode, row.seed, row.elapsed_s, row.draft or "", row.candidate, row.source_name,
        row.end_reason, dict(row.state or {}), _aware(row.created_at), _aware(row.updated_at),
        _aware(row.ended_at), [_turn(t) for t in turns] if turns is not None else [],
        report.verdict if report else None, report.score if report else None)


# Built once: every sent turn runs these.
_LAST_SEQ = select(func.max(TurnRow.seq)).where(TurnRow.session_id == bindparam("sid"))
_INSERT_TURN = insert(TurnRow)


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._orm = sessionmaker(engine, expire_on_commit=False)
        # SQLite has one writer at a time, and a writer that finds the file busy sleeps
        # in growing steps (up to 100 ms) before retrying. Queueing this process's
        # writes on a lock instead keeps a burst of turns in milliseconds.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        self._queue_lock = threading.Lock()
        self._queue: list[_TurnJob] = []
        self._committing = False

    @contextmanager
    def _write(self):
        if self._write_lock is None:
            with self._orm.begin() as db:
                yield db
            return
        with self._write_lock, self._orm.begin() as db:
            yield db

    @classmethod
    def open(cls, url: str | None = None) -> "Store":
        """Connect to `url` (default: BARRAISER_DATABASE_URL, else the SQLite file) and migrate."""
        engine = make_engine(url or database_url())
        migrate(engine)
        return cls(engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ sessions

    def create_session(self, *, kind: str = "practice", prompt_id: str | None, title: str, minutes: float,
                       persona: str = "neutral", mode: str = "exam", input_mode: str = "typed", seed: int = 0,
                       candidate: str | None = None, source_name: str | None = None,
                       status: str = "active") -> StoredSession:
        row = SessionRow(id=uuid.uuid4().hex, kind=kind, status=status, prompt_id=prompt_id, title=title[:200],
                         minutes=float(minutes), persona=persona, mode=mode, input_mode=input_mode, seed=int(seed),
                         elapsed_s=0.0, draft="", candidate=candidate, source_name=source_name, state={})
        with self._write() as db:
            db.add(row)
        return _session(row, [])

    def _resolve(self, db: OrmSession, session_id: str) -> SessionRow:
        key = (session_id or "").strip().lower()
        if not key:
            raise UserError("no session ID given", expected="a session ID from `barraiser history`")
        row = db.get(SessionRow, key)
        if row is not None:
            return row
        if len(key) >= 4 and all(c in "0123456789abcdef" for c in key):
            rows = db.scalars(select(SessionRow).where(SessionRow.id.startswith(key)).limit(2)).all()
            if len(rows) == 1:
                return rows[0]
            if len(rows) > 1:
                raise UserError(f"the session ID {session_id!r} is ambiguous",
                                expected="more characters of the ID, as `barraiser history` shows it")
        raise NotFound(f"no session {session_id!r}", expected="an ID from `barraiser history`")

    def get_session(self, session_id: str, *, with_turns: bool = True) -> StoredSession:
        with self._orm() as db:
            row = self._resolve(db, session_id)
            turns = list(db.scalars(select(TurnRow).where(TurnRow.session_id == row.id).order_by(TurnRow.seq))) \
                if with_turns else None
            return _session(row, turns, self._latest_report_row(db, row.id))

    def list_sessions(self, *, limit: int = 50, offset: int = 0, kind: str | None = None,
                      status: str | None = None) -> list[StoredSession]:
        with self._orm() as db:
            q = select(SessionRow).order_by(SessionRow.created_at.desc(), SessionRow.id)
            if kind:
                q = q.where(SessionRow.kind == kind)
            if status:
                q = q.where(SessionRow.status == status)
            rows = db.scalars(q.limit(limit).offset(offset)).all()
            latest = self._latest_reports(db, [r.id for r in rows])
            return [_session(r, None, latest.get(r.id)) for r in rows]

    def count_sessions(self) -> int:
        with self._orm() as db:
            return db.scalar(select(func.count()).select_from(SessionRow)) or 0

    def unfinished(self) -> StoredSession | None:
        """The most recently touched practice session that has not ended."""
        with self._orm() as db:
            row = db.scalars(select(SessionRow).where(SessionRow.kind == "practice", SessionRow.status != "ended")
                             .order_by(SessionRow.updated_at.desc()).limit(1)).first()
            return _session(row) if row else None

    def update_session(self, session_id: str, **values) -> None:
        allowed = {"status", "elapsed_s", "draft", "state", "end_reason", "ended_at", "title"}
        bad = set(values) - allowed
        if bad:
            raise ValueError(f"cannot update {sorted(bad)}")
        if "status" in values and values["status"] not in STATUSES:
            raise ValueError(values["status"])
        values["updated_at"] = utcnow()
        with self._write() as db:
            n = db.execute(update(SessionRow).where(SessionRow.id == session_id).values(**values)).rowcount
        if not n:
            raise NotFound(f"no session {session_id!r}")

    def save_draft(self, session_id: str, draft: str, elapsed_s: float | None = None) -> None:
        values: dict = {"draft": draft}
        if elapsed_s is not None:
            values["elapsed_s"] = elapsed_s
        self.update_session(session_id, **values)

    def delete_session(self, session_id: str) -> None:
        with self._write() as db:
            row = self._resolve(db, session_id)
            db.execute(delete(TurnRow).where(TurnRow.session_id == row.id))
            db.execute(delete(ReportRow).where(ReportRow.session_id == row.id))
            db.delete(row)

    # ------------------------------------------------------------ turns

    def add_turn(self, session_id: str, *, role: str, speaker: str, kind: str, text: str, wall_s: float,
                 start_s: float, end_s: float, meta: dict | None = None, clear_draft: bool = False,
                 state: dict | None = None) -> StoredTurn:
        """Append a turn and commit it (with the session's clock, and the draft cleared
        when the candidate's turn is the draft being sent) before returning.

        Turns sent at the same moment share one commit (group commit): the first caller
        commits everything queued while it waited, so a burst pays for one disk flush
        (and, on PostgreSQL, one round of the pool) instead of one each, and every
        caller still returns only once its turn is on disk."""
        job = _TurnJob(dict(session_id=session_id, role=role, speaker=speaker, kind=kind, text=text,
                            wall_s=wall_s, start_s=start_s, end_s=end_s, meta=meta, clear_draft=clear_draft,
                            state=state))
        with self._queue_lock:
            self._queue.append(job)
            lead = not self._committing
            self._committing = True
        if lead:
            while True:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                    if not batch:
                        self._committing = False
                        break
                self._commit_batch(batch)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def _commit_batch(self, batch: list["_TurnJob"]) -> None:
        try:
            # Session rows are locked in one order (a stable sort keeps each session's
            # turns in the order they came), so two writing processes cannot deadlock.
            ordered = sorted(batch, key=lambda j: j.args["session_id"])
            with self._write() as db:
                results = [self._insert_turn(db, **j.args) for j in ordered]
            for j, result in zip(ordered, results):
                j.result = result
        except Exception:
            if len(batch) == 1:
                batch[0].error = sys.exc_info()[1]
            else:  # one bad turn (an unknown session) must not sink the others
                for j in batch:
                    self._commit_batch([j])
                return
        for j in batch:
            j.done.set()

    @staticmethod
    def _insert_turn(db: OrmSession, *, session_id, role, speaker, kind, text, wall_s, start_s, end_s, meta,
                     clear_draft, state) -> StoredTurn:
        # Update the session's row first: it tells us the session exists and, on
        # PostgreSQL, locks the row until commit, so two writers cannot both take the
        # same next turn number (SQLite writes are already one at a time). Plain Core
        # statements: a turn is written on every send, and the ORM's flush costs more
        # than the three statements themselves.
        now = utcnow()
        values: dict = {"elapsed_s": float(wall_s), "updated_at": now}
        if clear_draft:
            values["draft"] = ""
        if state is not None:
            values["state"] = state
        conn = db.connection()
        if not conn.execute(update(SessionRow).where(SessionRow.id == session_id).values(**values)).rowcount:
            raise NotFound(f"no session {session_id!r}")
        seq = (conn.scalar(_LAST_SEQ, {"sid": session_id}) or 0) + 1
        row = dict(session_id=session_id, seq=seq, role=role, speaker=speaker, kind=kind, text=text,
                   wall_s=float(wall_s), start_s=float(start_s), end_s=float(end_s), meta=meta or {},
                   created_at=now)
        conn.execute(_INSERT_TURN, row)
        return StoredTurn(seq, role, speaker, kind, text, row["wall_s"], row["start_s"], row["end_s"],
                          dict(row["meta"]), now)

    def turns(self, session_id: str) -> list[StoredTurn]:
        with self._orm() as db:
            return [_turn(t) for t in db.scalars(select(TurnRow).where(TurnRow.session_id == session_id)
                                                 .order_by(TurnRow.seq))]

    def count_turns(self, session_id: str | None = None) -> int:
        with self._orm() as db:
            q = select(func.count()).select_from(TurnRow)
            if session_id:
                q = q.where(TurnRow.session_id == session_id)
            return db.scalar(q) or 0

    # ------------------------------------------------------------ reports

    def save_report(self, session_id: str, report: dict) -> StoredReport:
        row = ReportRow(session_id=session_id, verdict=report["verdict"], score=float(report["score"]),
                        timing=report.get("timing", "measured"), report=report)
        with self._write() as db:
            db.add(row)
        return StoredReport(row.id, session_id, row.verdict, row.score, row.timing, report, _aware(row.created_at))

    def _latest_report_row(self, db: OrmSession, session_id: str) -> ReportRow | None:
        return db.scalars(select(ReportRow).where(ReportRow.session_id == session_id)
                          .order_by(ReportRow.id.desc()).limit(1)).first()

    def _latest_reports(self, db: OrmSession, ids: list[str]) -> dict[str, ReportRow]:
        if not ids:
            return {}
        out: dict[str, ReportRow] = {}
        for r in db.scalars(select(ReportRow).where(ReportRow.session_id.in_(ids)).order_by(ReportRow.id)):
            out[r.session_id] = r  # later rows overwrite earlier ones
        return out

    def latest_report(self, session_id: str) -> StoredReport | None:
        with self._orm() as db:
            sid = self._resolve(db, session_id).id
            r = self._latest_report_row(db, sid)
            return StoredReport(r.id, r.session_id, r.verdict, r.score, r.timing, dict(r.report),
                                _aware(r.created_at)) if r else None

    def report_history(self, *, limit: int = 200) -> list[tuple[StoredSession, StoredReport]]:
        """The latest report of each graded session, oldest first (for progress)."""
        with self._orm() as db:
            rows = db.scalars(select(SessionRow).where(SessionRow.id.in_(select(ReportRow.session_id)))
                              .order_by(SessionRow.created_at.desc()).limit(limit)).all()
            latest = self._latest_reports(db, [r.id for r in rows])
            out = []
            for s in reversed(rows):
                r = latest[s.id]
                out.append((_session(s, None, r), StoredReport(r.id, r.session_id, r.verdict, r.score, r.timing,
                                                                dict(r.report), _aware(r.created_at))))
            return out

    # ------------------------------------------------------------ drills and settings

    def add_drill_result(self, *, drill_id: str, signal_id: str, answer: str, passed: bool,
                         score: float | None = None, session_id: str | None = None, meta: dict | None = None) -> int:
        row = DrillResultRow(drill_id=drill_id, signal_id=signal_id, answer=answer, passed=passed, score=score,
                             session_id=session_id, meta=meta or {})
        with self._write() as db:
            db.add(row)
        return row.id

    def drill_results(self, signal_id: str | None = None) -> list[dict]:
        with self._orm() as db:
            q = select(DrillResultRow).order_by(DrillResultRow.id)
            if signal_id:
                q = q.where(DrillResultRow.signal_id == signal_id)
            return [dict(id=r.id, drill_id=r.drill_id, signal_id=r.signal_id, answer=r.answer, passed=r.passed,
                         score=r.score, session_id=r.session_id, meta=dict(r.meta or {}),
                         created_at=_aware(r.created_at)) for r in db.scalars(q)]

    def get_setting(self, key: str, default=None):
        with self._orm() as db:
            row = db.scalars(select(SettingRow).where(SettingRow.key == key)).first()
            return row.value.get("v", default) if row else default

    def set_setting(self, key: str, value) -> None:
        with self._write() as db:
            row = db.scalars(select(SettingRow).where(SettingRow.key == key)).first()
            if row is None:
                db.add(SettingRow(key=key, value={"v": value}))
            else:
                row.value = {"v": value}
