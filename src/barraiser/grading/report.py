"""The Report: what grading produces and every renderer reads.

Field names follow `barraiser.report/1` (RUBRIC.md); renderers never judge and
this module never formats. Extra fields (verdict_rule, title, ...) are allowed
by the schema and help the HTML and terminal views.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "barraiser.report/1"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(Model):
    turn: int = Field(ge=0)
    at_s: float = Field(ge=0)
    quote: str = Field(min_length=1)
    confidence: float = Field(ge=0, le=1, default=1.0)


class SignalResult(Model):
    id: str
    kind: Literal["positive", "red_flag"]
    present: bool
    first_at_s: float | None
    on_time: bool | None
    confidence: float = Field(ge=0, le=1)
    evidence: list[Evidence]
    title: str = ""
    deadline_s: float | None = None
    dimension: str = ""


class DimensionResult(Model):
    id: str
    score: int = Field(ge=1, le=4)
    summary: str
    title: str = ""
    weight: float = 1.0


class PhaseSpan(Model):
    id: Literal["framing", "flow", "deep_dive", "edge_cases"]
    start_s: float = Field(ge=0)
    end_s: float = Field(ge=0)
    planned_start_s: float = 0.0
    planned_end_s: float = 0.0


class Fix(Model):
    signal: str
    advice: str
    example: str
    title: str = ""


class TurnView(Model):
    """A turn of the transcript, kept in the report so that quotes can link to it."""

    index: int
    speaker: str
    start_s: float
    text: str
    candidate: bool


class Report(Model):
    schema_: Literal["barraiser.report/1"] = Field(default=SCHEMA_ID, alias="schema")
    source: str
    prompt_id: str | None
    timing: Literal["measured", "estimated"]
    duration_s: float = Field(ge=0)
    verdict: Literal["strong_hire", "hire", "no_hire", "strong_no_hire"]
    verdict_reason: str
    verdict_rule: str
    score: float = Field(ge=1, le=4)
    high_risk: list[str]
    dimensions: list[DimensionResult]
    signals: list[SignalResult]
    phases: list[PhaseSpan]
    notes: list[str]
    fixes: list[Fix] = Field(max_length=3)
    candidate: str | None = None
    prompt_title: str | None = None
    format: str = "unknown"
    engine: str = ""
    transcript: list[TurnView] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def signal(self, signal_id: str) -> SignalResult:
        for s in self.signals:
            if s.id == signal_id:
                return s
        raise KeyError(signal_id)

    def to_json_dict(self, *, include_transcript: bool = False) -> dict:
        data = self.model_dump(by_alias=True, exclude=None if include_transcript else {"transcript"})
        # Evidence confidence is ours, not the schema's; keep it (extra fields are allowed).
        return data
