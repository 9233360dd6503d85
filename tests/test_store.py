"""The store on SQLite and on a real PostgreSQL server (see tests/pgserver.py)."""

from __future__ import annotations

import pytest

from barraiser.errors import NotFound, UserError
from barraiser.store import Store


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.close()


def _session(store, **kw):
    args = dict(prompt_id="account-takeover-detection", title="Account takeover", minutes=45, seed=5)
    args.update(kw)
    return store.create_session(**args)


def test_migrations_create_exactly_the_models_tables(store):
    """The Alembic migration and the SQLAlchemy models describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from barraiser.store.schema import Base

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_open_twice_is_idempotent(store_url):
    Store.open(store_url).close()
    s = Store.open(store_url)
    assert s.count_sessions() == 0
    s.close()


def test_turns_are_committed_in_order_with_the_clock(store):
    s = _session(store)
    store.save_draft(s.id, "half an answ", 12.0)
    store.add_turn(s.id, role="interviewer", speaker="Interviewer", kind="opening", text="Hello.", wall_s=0,
                   start_s=0, end_s=1)
    store.add_turn(s.id, role="candidate", speaker="Candidate", kind="answer", text="Who are the users?",
                   wall_s=31.5, start_s=1, end_s=3, clear_draft=True, state={"pushed": ["x"]})
    got = store.get_session(s.id)
    assert [t.seq for t in got.turns] == [1, 2]
    assert [t.text for t in got.turns] == ["Hello.", "Who are the users?"]
    assert got.elapsed_s == 31.5
    assert got.draft == ""
    assert got.state == {"pushed": ["x"]}
    # a second store on the same database sees everything (nothing waits in memory)
    other = Store.open(str(store.engine.url.render_as_string(hide_password=False)))
    assert [t.text for t in other.turns(s.id)] == ["Hello.", "Who are the users?"]
    other.close()


def test_draft_survives_without_a_turn(store):
    s = _session(store)
    store.save_draft(s.id, "Users are sellers, because", 40.0)
    got = store.get_session(s.id)
    assert got.draft == "Users are sellers, because" and got.elapsed_s == 40.0


def test_unicode_and_markup_are_stored_verbatim(store):
    s = _session(store)
    text = "Naïve <script>alert('x')</script> — 95th percentile ≤ 200 ms; 日本語"
    store.add_turn(s.id, role="candidate", speaker="Candidate", kind="answer", text=text, wall_s=1,
                   start_s=0, end_s=2)
    assert store.turns(s.id)[0].text == text


def test_short_ids_resolve_and_unknown_ones_are_404(store):
    s = _session(store)
    assert store.get_session(s.id[:8]).id == s.id
    assert store.get_session(s.id.upper()).id == s.id
    with pytest.raises(NotFound) as e:
        store.get_session("deadbeef")
    assert e.value.status == 404 and "barraiser history" in e.value.message
    with pytest.raises(UserError):
        store.get_session("")


def test_list_history_and_reports(store):
    a = _session(store, title="First")
    b = _session(store, title="Second")
    store.save_report(a.id, {"verdict": "no_hire", "score": 2.1, "timing": "estimated", "dimensions": []})
    store.save_report(a.id, {"verdict": "hire", "score": 3.0, "timing": "estimated", "dimensions": []})
    rows = store.list_sessions()
    assert {r.title for r in rows} == {"First", "Second"}
    first = next(r for r in rows if r.id == a.id)
    assert (first.verdict, first.score) == ("hire", 3.0)  # the latest report
    assert next(r for r in rows if r.id == b.id).verdict is None
    hist = store.report_history()
    assert [(s.id, r.verdict) for s, r in hist] == [(a.id, "hire")]
    assert store.latest_report(a.id[:10]).report["score"] == 3.0


def test_unfinished_is_the_latest_open_practice_session(store):
    a = _session(store)
    b = _session(store)
    store.update_session(b.id, status="ended")
    store.create_session(kind="upload", prompt_id=None, title="upload", minutes=45, status="ended")
    assert store.unfinished().id == a.id
    store.update_session(a.id, status="ended")
    assert store.unfinished() is None


def test_drill_results_and_settings(store):
    s = _session(store)
    store.add_drill_result(drill_id="metric-1", signal_id="success_metric", answer="Retention at day 7",
                           passed=True, score=0.8, session_id=s.id)
    store.add_drill_result(drill_id="fallback-1", signal_id="fallback", answer="Show an error", passed=False)
    assert [r["passed"] for r in store.drill_results()] == [True, False]
    assert store.drill_results("fallback")[0]["answer"] == "Show an error"
    assert store.get_setting("minutes", 45) == 45
    store.set_setting("minutes", 30)
    store.set_setting("minutes", 25)
    assert store.get_setting("minutes") == 25


def test_delete_removes_turns_and_reports(store):
    s = _session(store)
    store.add_turn(s.id, role="candidate", speaker="Candidate", kind="answer", text="x", wall_s=1,
                   start_s=0, end_s=1)
    store.save_report(s.id, {"verdict": "hire", "score": 3.0})
    store.delete_session(s.id)
    assert store.count_turns() == 0 and store.count_sessions() == 0


def test_bad_database_url_is_a_clear_error(monkeypatch):
    from barraiser.store.engine import StoreError

    with pytest.raises(StoreError) as e:
        Store.open("not a url")
    assert "not a database URL" in e.value.message and "postgresql+psycopg://" in e.value.message
    with pytest.raises(StoreError) as e:
        Store.open("postgresql://nobody@127.0.0.1:1/none")
    assert "cannot open the database" in e.value.message
    assert "BARRAISER_DATABASE_URL" in e.value.message


def test_default_database_lives_in_the_user_directory(_user_home):
    s = Store.open()
    assert s.dialect == "sqlite"
    assert (_user_home / "barraiser.db").exists()
    s.close()


def test_environment_url_is_used(monkeypatch, tmp_path):
    path = tmp_path / "elsewhere.db"
    monkeypatch.setenv("BARRAISER_DATABASE_URL", f"sqlite:///{path}")
    Store.open().close()
    assert path.exists()


def test_concurrent_turns_are_all_committed_in_order(store):
    """Many threads adding turns at once (the group commit on SQLite): nothing is lost,
    every session's turn numbers run 1..n without gaps, and a bad session fails alone."""
    import threading

    sessions = [_session(store) for _ in range(5)]
    errors = []

    def writer(k: int) -> None:
        for i in range(8):
            sid = sessions[(k + i) % len(sessions)].id
            store.add_turn(sid, role="candidate", speaker="Candidate", kind="answer", text=f"{k}-{i}",
                           wall_s=i, start_s=i, end_s=i + 1)
        try:
            store.add_turn("no-such-session", role="candidate", speaker="C", kind="answer", text="x", wall_s=0,
                           start_s=0, end_s=1)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.count_turns() == 80
    for s in sessions:
        seqs = [t.seq for t in store.turns(s.id)]
        assert seqs == list(range(1, len(seqs) + 1))
    assert len(errors) == 10
