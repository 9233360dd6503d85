"""Pydantic models for everything the content packs and the rubric hold.

Every model forbids unknown keys: a typo in a pack is an error with its YAML
path, never a silently ignored field. Cross-checks that need more than one file
(signal IDs exist, IDs are unique) live in `barraiser.content.validate`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SIGNAL_IDS = (
    "clarifying_question", "user_defined", "core_action", "success_metric", "top_constraint",
    "technical_kpi_goal", "tradeoff_statement", "data_prioritized", "ab_test_everything",
    "collect_all_data", "flow_sketched", "options_compared", "solution_sprawl", "cargo_cult_model",
    "infra_deep_dive", "training_internals", "user_impact_quantified", "threshold_justified",
    "retraining_policy", "cold_start", "fallback", "error_as_fallback", "failure_modes",
    "guardrail", "scale_breakpoint",
)
DIMENSION_IDS = ("constraint_articulation", "first_principles", "solution_scope",
                 "tradeoff_fluency", "failure_handling", "structure")
PHASE_IDS = ("framing", "flow", "deep_dive", "edge_cases")
VERDICTS = ("strong_hire", "hire", "no_hire", "strong_no_hire")  # best first
DOMAINS = ("recommendations", "search", "forecasting", "generative", "trust_safety", "voice",
           "vision", "fraud_risk", "pricing", "health", "education", "enterprise",
           "developer_tools")
LEVELS = ("pm", "senior", "group")
CONSTRAINTS = ("latency", "accuracy", "precision", "recall", "coverage", "cost", "freshness",
               "trust", "consistency", "privacy", "safety")

SignalId = Literal[SIGNAL_IDS]  # type: ignore[valid-type]
PhaseId = Literal[PHASE_IDS]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- rubric

class Phase(Strict):
    id: PhaseId
    title: str
    start_min: float
    end_min: float
    goal: str


class DimensionItem(Strict):
    signal: SignalId | None = None
    check: Literal["framing_first", "constraint_by_minute_10", "phases_in_order",
                   "time_balance"] | None = None
    points: float
    late_points: float | None = None


class Dimension(Strict):
    id: Literal[DIMENSION_IDS]  # type: ignore[valid-type]
    title: str
    weight: float = Field(gt=0)
    question: str
    items: list[DimensionItem]


class ScoreBand(Strict):
    score: int = Field(ge=1, le=4)
    min_share: float


class HighRisk(Strict):
    signal: SignalId
    after_s: float
    note: str


class Condition(Strict):
    """One condition of a verdict rule; exactly one field is set."""

    fewer_present: dict | None = None
    red_flags_at_least: int | None = None
    missing: SignalId | None = None
    missing_or_late: SignalId | None = None
    present: SignalId | None = None
    not_all_on_time: list[SignalId] | None = None


class VerdictRule(Strict):
    id: str
    verdict: Literal[VERDICTS]  # type: ignore[valid-type]
    title: str
    any: list[Condition]


class VerdictPolicy(Strict):
    rules: list[VerdictRule]
    otherwise: Literal[VERDICTS]  # type: ignore[valid-type]


class Signal(Strict):
    id: SignalId
    kind: Literal["positive", "red_flag"]
    dimension: Literal[DIMENSION_IDS]  # type: ignore[valid-type]
    deadline_s: float | None
    title: str
    looks_for: str
    advice: str
    example: str


class Rubric(Strict):
    schema_: Literal["barraiser.rubric/1"] = Field(alias="schema")
    interview_minutes: float
    phases: list[Phase]
    dimensions: list[Dimension]
    score_bands: list[ScoreBand]
    framing_signals: list[SignalId]
    fluency_signals: list[SignalId]
    high_risk: list[HighRisk]
    verdict_policy: VerdictPolicy
    signals: list[Signal]

    def signal(self, signal_id: str) -> Signal:
        for s in self.signals:
            if s.id == signal_id:
                return s
        raise KeyError(signal_id)


# ---------------------------------------------------------------- prompts and case files

class Reveal(Strict):
    """What the interviewer says when the candidate asks about `topic`."""

    topic: Literal["users", "platform", "scale", "data", "business_goal", "constraints",
                   "timeline", "existing_system", "other"]
    asked_as: list[str] = Field(min_length=2, description="ways candidates ask it; matched by meaning")
    answer: str

    @field_validator("answer")
    @classmethod
    def _statement(cls, v: str) -> str:
        if "?" in v:
            raise ValueError("a reveal answers; it does not ask back (remove the '?')")
        return v


class MetricIdea(Strict):
    metric: str
    why: str


class StrongConstraint(Strict):
    constraint: Literal[CONSTRAINTS]  # type: ignore[valid-type]
    statement: str
    why: str
    sacrifice: str = Field(description="what a strong candidate accepts as worse to protect it")


class DataSource(Strict):
    name: str
    impact: Literal["high", "medium", "low"]
    effort: Literal["high", "medium", "low"]
    note: str


class FailureMode(Strict):
    name: str
    user_harm: str


class Pushback(Strict):
    signal: SignalId
    trigger: Literal["on_signal", "if_missing", "in_phase"]
    phase: PhaseId | None = None
    say: str

    @field_validator("say")
    @classmethod
    def _one_question(cls, v: str) -> str:
        if v.count("?") > 1:
            raise ValueError("a pushback asks one question (found several '?'): the interviewer asks one "
                             "thing per turn")
        return v


class Trap(Strict):
    trap: str
    why: str


class PhaseOutline(Strict):
    phase: PhaseId
    minutes: str
    outline: str


class CaseFile(Strict):
    reveals: list[Reveal] = Field(min_length=4)
    unknown_answer: str = "Good question - what would you assume?"
    metrics: list[MetricIdea] = Field(min_length=2)
    strong_constraint: StrongConstraint
    wrong_metrics: list[MetricIdea] = Field(min_length=1)
    data_sources: list[DataSource] = Field(min_length=3)
    failure_modes: list[FailureMode] = Field(min_length=2)
    fallback: str
    guardrail: str
    pushbacks: list[Pushback] = Field(min_length=4)
    traps: list[Trap] = Field(min_length=2)
    strong_answer: list[PhaseOutline] = Field(min_length=4, max_length=4)
    weak_answer: str


class Prompt(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: str
    prompt: str
    summary: str
    domain: Literal[DOMAINS]  # type: ignore[valid-type]
    level: Literal[LEVELS]  # type: ignore[valid-type]
    tags: list[str] = Field(min_length=1)
    # short phrases the fixes and drills slot into their example sentences
    hints: dict[Literal["user", "core", "metric", "constraint", "sacrifice", "data",
                        "fallback", "failure", "guardrail"], str] = Field(default_factory=dict)
    case_file: CaseFile


# ---------------------------------------------------------------- exemplars, pairs, theses, failures

class Phrasing(Strict):
    text: str
    domain: Literal[DOMAINS] | None = None  # type: ignore[valid-type]
    why: str | None = None


class SignalExemplars(Strict):
    """Phrasings of one signal. `hits`: the signal is present (for a positive signal,
    strong phrasings; for a red flag, the behaviour that raises it). `misses`: phrasings
    that look alike but must not count (for a positive signal, the weak way to say it;
    for a red flag, the sound alternative), each with why."""

    signal: SignalId
    hits: list[Phrasing] = Field(min_length=8)
    misses: list[Phrasing] = Field(min_length=8)

    @field_validator("misses")
    @classmethod
    def _misses_say_why(cls, v: list[Phrasing]) -> list[Phrasing]:
        for i, p in enumerate(v):
            if not p.why:
                raise ValueError(f"misses[{i}] needs a `why`: say what keeps it from counting")
        return v


class StatementPair(Strict):
    signal: SignalId
    bad: str
    good: str
    why: str


class Thesis(Strict):
    id: str
    title: str
    thesis: str
    implication: str
    domains: list[Literal[DOMAINS]]  # type: ignore[valid-type]


class FailureCase(Strict):
    id: str
    title: str
    year: int
    product: str
    what_happened: str
    who_was_hurt: str
    what_would_have_helped: str
    signals: list[SignalId] = Field(min_length=1)
    source: str = Field(description="the publication or report the facts come from, named")


class PackMeta(Strict):
    id: str
    title: str
    description: str
    version: str = "1"


# ---------------------------------------------------------------- the mock interviewer's own lines

Persona = Literal["supportive", "neutral", "adversarial"]
PERSONAS = ("supportive", "neutral", "adversarial")
MODES = ("exam", "coach")


def _every_key(value: dict, keys, problem: str) -> dict:
    """`value` unchanged when every key has a non-empty entry, else the problem and what is missing."""
    missing = [k for k in keys if not value.get(k)]
    if missing:
        raise ValueError(f"{problem}; missing: {', '.join(missing)}")
    return value


class InterviewerLines(Strict):
    """What the interviewer says when a case file has nothing more specific
    (content/interviewer.yaml)."""

    schema_: Literal["barraiser.interviewer/1"] = Field(alias="schema")
    topic_questions: dict[Literal["users", "platform", "scale", "data", "business_goal", "constraints",
                                  "timeline", "existing_system", "other"], list[str]]
    acknowledgements: dict[Persona, list[str]]
    check_in_replies: list[str] = Field(min_length=1)
    interruptions: list[str] = Field(min_length=1)
    phase_moves: dict[Literal["flow", "deep_dive", "edge_cases"], list[str]]
    time_warnings: list[str] = Field(min_length=1)
    closings: list[str] = Field(min_length=1)
    early_closings: list[str] = Field(min_length=1)
    resume_lines: list[str] = Field(min_length=1)
    number_without_reason: list[str] = Field(min_length=1)
    fallback_before_moving_on: list[str] = Field(min_length=1)
    repeat_pushback: list[str] = Field(min_length=1)
    pushback_openers: dict[Persona, list[str]]
    pushbacks: dict[SignalId, list[str]]

    @field_validator("acknowledgements", "pushback_openers")
    @classmethod
    def _every_persona(cls, v: dict) -> dict:
        return _every_key(v, PERSONAS, "lines needed for every persona")

    @field_validator("pushbacks")
    @classmethod
    def _every_signal(cls, v: dict) -> dict:
        return _every_key(v, SIGNAL_IDS, "a pushback is needed for every signal")
