"""Loading the rubric file (the scoring policy is data; see rubric.yaml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from barraiser.content.models import Rubric
from barraiser.errors import ContentError

RUBRIC_PATH = Path(__file__).with_name("rubric.yaml")


def load_rubric_file(path: Path) -> Rubric:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ContentError(f"cannot read the rubric: {e}", source=str(path)) from e
    try:
        return Rubric.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ContentError(f"{where}: {first['msg']}", source=str(path)) from e


@lru_cache(maxsize=1)
def rubric() -> Rubric:
    """The shipped rubric (parsed once per process)."""
    return load_rubric_file(RUBRIC_PATH)
