"""Loading the rubric file (the scoring policy is data; see rubric.yaml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from barraiser.content.models import InterviewerLines, Rubric
from barraiser.errors import ContentError

RUBRIC_PATH = Path(__file__).with_name("rubric.yaml")
INTERVIEWER_PATH = Path(__file__).with_name("interviewer.yaml")


def load_rubric_file(path: Path) -> Rubric:
    return _load_model(path, Rubric, "the rubric")


def _load_model(path: Path, model, what: str):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ContentError(f"cannot read {what}: {e}", source=str(path)) from e
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ContentError(f"{where}: {first['msg']}", source=str(path)) from e


@lru_cache(maxsize=1)
def rubric() -> Rubric:
    """The shipped rubric (parsed once per process)."""
    return load_rubric_file(RUBRIC_PATH)


@lru_cache(maxsize=1)
def interviewer_lines() -> InterviewerLines:
    """The mock interviewer's generic lines (parsed once per process)."""
    return _load_model(INTERVIEWER_PATH, InterviewerLines, "the interviewer's lines")
