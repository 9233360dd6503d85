"""Shared test setup: user data goes to a temporary folder, never the real one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FORMATS = SHARED / "formats"
SCHEMA = SHARED / "schema" / "report.schema.json"


@pytest.fixture(autouse=True)
def _user_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BARRAISER_HOME", str(home))
    monkeypatch.setenv("BARRAISER_PACKS", str(home / "packs"))
    monkeypatch.delenv("BARRAISER_DATABASE_URL", raising=False)  # never a real database
    return home


@pytest.fixture(scope="session")
def postgres_server():
    """URL of a PostgreSQL server for the whole run: BARRAISER_TEST_DATABASE_URL, or a
    private one started here on 127.0.0.1 (see tests/pgserver.py)."""
    import os

    from pgserver import INSTALL_HINT, Server, find_bindir, wait_for

    url = os.environ.get("BARRAISER_TEST_DATABASE_URL")
    if url:
        wait_for(url)
        yield url
        return
    if os.environ.get("BARRAISER_SKIP_POSTGRES") == "1":
        pytest.skip("BARRAISER_SKIP_POSTGRES=1")
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(INSTALL_HINT)
    import shutil
    import tempfile

    # directly under /tmp: pytest's own temp folders are closed to the `postgres` user
    base = Path(tempfile.mkdtemp(prefix="barraiser-pg-"))
    server = Server(bindir, base)
    try:
        url = server.start()
        wait_for(url)
        yield url
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    from pgserver import fresh_database

    server = request.getfixturevalue("postgres_server")
    return fresh_database(server, f"t_{abs(hash(request.node.nodeid)) % 10**10}")


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads(SCHEMA.read_text())


@pytest.fixture(scope="session")
def validate_report(report_schema):
    import jsonschema

    validator = jsonschema.Draft202012Validator(report_schema)

    def check(data: dict) -> None:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, "; ".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])

    return check
