"""The JSON report, schema `barraiser.report/1` (one object, nothing else printed)."""

from __future__ import annotations

import json

from barraiser.grading.report import Report


def render_json(report: Report) -> str:
    return json.dumps(report.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
