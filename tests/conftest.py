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
    return home


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
