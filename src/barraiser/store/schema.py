"""The database schema, as SQLAlchemy 2 declarative tables.

Alembic migrations in `migrations/versions/` create exactly these tables; a test
compares the two on SQLite and PostgreSQL so they cannot drift. Accounts come
later: a migration will add a nullable `user_id` column to `sessions`,
`drill_results` and `settings`, which is why nothing here assumes one user
beyond the absence of that column.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class SessionRow(Base):
    """A practice session, or a graded upload (kind = 'upload')."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))                   # practice | upload
    status: Mapped[str] = mapped_column(String(16), index=True)      # active | paused | ended
    prompt_id: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[float] = mapped_column(Float)
    persona: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    input_mode: Mapped[str] = mapped_column(String(16))              # typed | spoken
    seed: Mapped[int] = mapped_column(Integer)
    # Active interview time (pauses and time while no process ran are excluded),
    # as of the last write; a resumed session's clock continues from here.
    elapsed_s: Mapped[float] = mapped_column(Float, default=0.0)
    draft: Mapped[str] = mapped_column(Text, default="")
    candidate: Mapped[str | None] = mapped_column(String(200))
    source_name: Mapped[str | None] = mapped_column(String(300))
    end_reason: Mapped[str | None] = mapped_column(String(40))
    state: Mapped[dict] = mapped_column(JSON, default=dict)         # interviewer memory (what it already said)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    turns: Mapped[list["TurnRow"]] = relationship(back_populates="session", order_by="TurnRow.seq",
                                                  cascade="all, delete-orphan")


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_turns_session_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))                    # candidate | interviewer
    speaker: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))                    # answer, opening, reveal, pushback, ...
    text: Mapped[str] = mapped_column(Text)
    wall_s: Mapped[float] = mapped_column(Float)                     # interview clock when sent
    start_s: Mapped[float] = mapped_column(Float)                    # graded time (spoken-equivalent or measured)
    end_s: Mapped[float] = mapped_column(Float)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[SessionRow] = relationship(back_populates="turns")


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    timing: Mapped[str] = mapped_column(String(16))
    report: Mapped[dict] = mapped_column(JSON)                       # the barraiser.report/1 document
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DrillResultRow(Base):
    __tablename__ = "drill_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    drill_id: Mapped[str] = mapped_column(String(80))
    signal_id: Mapped[str] = mapped_column(String(40), index=True)
    answer: Mapped[str] = mapped_column(Text)
    passed: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float | None] = mapped_column(Float)
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SettingRow(Base):
    __tablename__ = "settings"

    __table_args__ = (UniqueConstraint("key", name="uq_settings_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


Index("ix_turns_session", TurnRow.session_id)
