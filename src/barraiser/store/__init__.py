"""Storage: sessions, turns, reports, drill results and settings (SQLAlchemy 2 + Alembic)."""

from barraiser.store.repository import StoredReport, StoredSession, StoredTurn, Store

__all__ = ["Store", "StoredSession", "StoredTurn", "StoredReport"]
