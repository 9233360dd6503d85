"""Turn findings into a debrief by the rubric's policy.

Everything that decides a score lives in rubric.yaml (points, deadlines, bands,
verdict rules); this module only interprets it. The verdict is the first rule of
the policy that holds, and the report says which rule and which conditions.
"""

from __future__ import annotations

import re

from barraiser.content.models import Condition, Prompt, Rubric
from barraiser.grading.detect import Finding
from barraiser.grading.report import (DimensionResult, Evidence, Fix, PhaseSpan, Report,
                                      SignalResult, TurnView)
from barraiser.grading.units import Unit
from barraiser.transcript.model import Transcript

MAX_EVIDENCE = 3


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


# ---------------------------------------------------------------- signals

def signal_results(rubric: Rubric, findings: dict[str, list[Finding]]) -> list[SignalResult]:
    out = []
    for sig in rubric.signals:
        fs = findings.get(sig.id, [])
        present = bool(fs)
        first = fs[0].at_s if fs else None
        on_time = None
        if present and sig.deadline_s is not None:
            on_time = first <= sig.deadline_s
        # evidence: the first place, then the strongest others
        chosen = fs[:1] + sorted(fs[1:], key=lambda f: -f.confidence)[:MAX_EVIDENCE - 1]
        chosen.sort(key=lambda f: f.at_s)
        conf = max((f.confidence for f in fs), default=0.0)
        if not present:
            conf = 0.0
        out.append(SignalResult(
            id=sig.id, kind=sig.kind, present=present, first_at_s=first, on_time=on_time,
            confidence=round(conf, 3),
            evidence=[Evidence(turn=f.turn, at_s=f.at_s, quote=f.quote, confidence=f.confidence)
                      for f in chosen],
            title=sig.title, deadline_s=sig.deadline_s, dimension=sig.dimension))
    return out


# ---------------------------------------------------------------- phases

_INTERVIEWER_MOVES = {
    "flow": re.compile(r"\b(?:walk me through|high[- ]level|end to end|end-to-end|architecture|how would it work|"
                       r"sketch|the flow|overall design)\b", re.I),
    "deep_dive": re.compile(r"\b(?:deep[- ]?dive|go deeper|dig into|drill into|zoom in|let's focus on|"
                            r"double[- ]click|trade-?offs? (?:in|for|of)|tell me more about how)\b", re.I),
    "edge_cases": re.compile(r"\b(?:edge cases?|what could go wrong|go wrong|fail(?:s|ure)?|10x|ten ?x|"
                             r"ten times|at scale|what breaks|wrap up|last (?:few|ten) minutes)\b", re.I),
}
_PHASE_SIGNALS = {
    "flow": ("flow_sketched",),
    "deep_dive": ("options_compared",),
    "edge_cases": ("failure_modes", "scale_breakpoint", "guardrail"),
}


def segment_phases(rubric: Rubric, tr: Transcript, results: dict[str, SignalResult]) -> list[PhaseSpan]:
    """Phase boundaries from content (interviewer moves, candidate signals) and time.

    The planned boundaries scale to the interview's length; a boundary found in the
    content within a generous window of its planned place wins over the plan.
    """
    total = max(tr.duration_s, 1.0)
    plan_total = rubric.interview_minutes * 60
    scale = min(1.0, total / plan_total) if tr.timing == "measured" else total / plan_total
    planned = {p.id: (p.start_min * 60 * scale, p.end_min * 60 * scale) for p in rubric.phases}
    starts = {"framing": 0.0}
    prev, prev_id = 0.0, "framing"
    for pid in ("flow", "deep_dive", "edge_cases"):
        plan_start = planned[pid][0]
        # a phase lasts at least 40% of its planned length: one early sentence about
        # trade-offs does not end the flow half a minute after it began
        earliest = prev + 0.4 * (planned[prev_id][1] - planned[prev_id][0])
        window = (max(earliest, plan_start * 0.4), min(total, plan_start * 1.8 + 60))
        found = []
        for t in tr.turns:
            if t.speaker != tr.candidate and _INTERVIEWER_MOVES[pid].search(t.text) and \
                    window[0] < t.start_s <= window[1]:
                found.append(t.start_s)
                break
        for sid in _PHASE_SIGNALS[pid]:
            r = results.get(sid)
            if r and r.present and r.first_at_s is not None and window[0] < r.first_at_s <= window[1]:
                found.append(r.first_at_s)
        start = min(found) if found else max(plan_start, earliest)
        start = min(max(start, prev), total)
        starts[pid] = start
        prev, prev_id = start, pid
    order = ["framing", "flow", "deep_dive", "edge_cases"]
    spans = []
    for i, pid in enumerate(order):
        end = starts[order[i + 1]] if i + 1 < len(order) else total
        spans.append(PhaseSpan(id=pid, start_s=round(starts[pid], 1), end_s=round(max(end, starts[pid]), 1),
                               planned_start_s=round(planned[pid][0], 1), planned_end_s=round(planned[pid][1], 1)))
    return spans


# ---------------------------------------------------------------- structure checks

def structure_checks(rubric: Rubric, tr: Transcript, results: dict[str, SignalResult],
                     phases: list[PhaseSpan]) -> dict[str, tuple[bool, str]]:
    framing = [results[s] for s in rubric.framing_signals if results[s].present]
    first_framing = min((r.first_at_s for r in framing), default=None)
    solution_starts = [results[s].first_at_s for s in ("flow_sketched", "options_compared")
                       if results[s].present]
    first_solution = min(solution_starts, default=None)
    out = {}
    if first_framing is None:
        out["framing_first"] = (False, "no framing before the design")
    elif first_solution is None or first_framing <= first_solution:
        out["framing_first"] = (True, f"framed the problem first (from {clock(first_framing)})")
    else:
        out["framing_first"] = (False, f"started designing at {clock(first_solution)} before framing "
                                       f"(first framing at {clock(first_framing)})")
    tc = results["top_constraint"]
    if tc.present and tc.on_time:
        out["constraint_by_minute_10"] = (True, f"constraint named at {clock(tc.first_at_s)}")
    else:
        out["constraint_by_minute_10"] = (False, "no constraint by minute 10" if not tc.present else
                                          f"constraint only at {clock(tc.first_at_s)}")
    reached = [p for p in phases if p.end_s - p.start_s > 0]
    in_order = all(results[s].present for s in ("flow_sketched",)) and len(reached) >= 3
    out["phases_in_order"] = (in_order, "walked framing, flow, deep dive and edge cases" if in_order
                              else "did not move through the phases (no clear flow or deep dive)")
    total = max(tr.duration_s, 1.0)
    shares = {p.id: (p.end_s - p.start_s) / total for p in phases}
    plan = {p.id: (p.end_min - p.start_min) / rubric.interview_minutes for p in rubric.phases}
    off = [pid for pid in shares if abs(shares[pid] - plan[pid]) > plan[pid] * 0.6 + 0.05]
    out["time_balance"] = (not off, "time split close to the plan" if not off else
                           "time off the plan in " + ", ".join(p.replace("_", " ") for p in off))
    return out


# ---------------------------------------------------------------- dimensions

def dimension_results(rubric: Rubric, results: dict[str, SignalResult],
                      checks: dict[str, tuple[bool, str]]) -> list[DimensionResult]:
    out = []
    for dim in rubric.dimensions:
        earned, maximum = 0.0, 0.0
        good, bad = [], []
        for item in dim.items:
            if item.points > 0:
                maximum += item.points
            if item.check:
                ok, why = checks[item.check]
                if ok:
                    earned += item.points
                    good.append(why)
                else:
                    bad.append(why)
                continue
            r = results[item.signal]
            title = rubric.signal(item.signal).title.lower()
            if item.points < 0:
                if r.present:
                    earned += item.points
                    bad.append(f"{title} at {clock(r.first_at_s)}")
                continue
            if not r.present:
                bad.append(f"no {title.lower()}")
            elif r.on_time is False:
                earned += item.late_points if item.late_points is not None else item.points
                bad.append(f"{title} late, at {clock(r.first_at_s)}")
            else:
                earned += item.points
                good.append(f"{title} at {clock(r.first_at_s)}")
        share = earned / maximum if maximum else 0.0
        score = next(b.score for b in sorted(rubric.score_bands, key=lambda b: -b.min_share)
                     if share >= b.min_share)
        parts = []
        if good:
            parts.append("Showed: " + "; ".join(good) + ".")
        if bad:
            parts.append("Missing or against: " + "; ".join(bad) + ".")
        out.append(DimensionResult(id=dim.id, score=score, summary=" ".join(parts) or dim.question,
                                   title=dim.title, weight=dim.weight))
    return out


# ---------------------------------------------------------------- verdict

def _condition(cond: Condition, rubric: Rubric, results: dict[str, SignalResult]) -> tuple[bool, str]:
    """Does the condition hold, and how to say so to the candidate."""
    def title(s):
        return rubric.signal(s).title.lower()
    if cond.fewer_present is not None:
        sigs, n = cond.fewer_present["signals"], cond.fewer_present["n"]
        have = [s for s in sigs if results[s].present]
        return len(have) < n, f"only {len(have)} of {len(sigs)} needed signals shown ({', '.join(map(title, sigs))}); at least {n} needed"
    if cond.red_flags_at_least is not None:
        flags = [r for r in results.values() if r.kind == "red_flag" and r.present]
        names = ", ".join(title(r.id) for r in flags)
        return len(flags) >= cond.red_flags_at_least, f"{len(flags)} red flag{'s' if len(flags) != 1 else ''} ({names})"
    if cond.missing is not None:
        r = results[cond.missing]
        return not r.present, f"no {title(cond.missing)}"
    if cond.missing_or_late is not None:
        r = results[cond.missing_or_late]
        if not r.present:
            return True, f"no {title(cond.missing_or_late)}"
        dl = rubric.signal(cond.missing_or_late).deadline_s
        return (r.on_time is False), f"{title(cond.missing_or_late)} only at {clock(r.first_at_s)}, after the {clock(dl)} deadline"
    if cond.present is not None:
        r = results[cond.present]
        return r.present, f"{title(cond.present)} at {clock(r.first_at_s)}"
    if cond.not_all_on_time is not None:
        bad = [s for s in cond.not_all_on_time if not results[s].present or results[s].on_time is False]
        return bool(bad), "not on time: " + ", ".join(
            f"{title(s)} ({'missing' if not results[s].present else clock(results[s].first_at_s)})" for s in bad)
    raise ValueError("empty condition in the verdict policy")


def decide_verdict(rubric: Rubric, results: dict[str, SignalResult]) -> tuple[str, str, str, list[tuple[str, str]]]:
    """(verdict, rule id, reason, failing conditions of every rule as (rule_id, text))."""
    failing_all = []
    decided = None
    for rule in rubric.verdict_policy.rules:
        held = []
        for cond in rule.any:
            ok, text = _condition(cond, rubric, results)
            if ok:
                held.append(text)
                failing_all.append((rule.id, text, cond))
        if held and decided is None:
            decided = (rule.verdict, rule.id, f"{rule.title}: " + "; ".join(held) + ".")
    if decided is None:
        decided = (rubric.verdict_policy.otherwise, "bar_raiser",
                   "Strong hire by rule 4: every framing signal on time, no red flag, failure modes, "
                   "compared options, a guardrail and trade-off fluency.")
    return decided[0], decided[1], decided[2], failing_all


# ---------------------------------------------------------------- fixes and notes

def _hints(prompt: Prompt | None) -> dict[str, str]:
    base = {"user": "one specific user", "core": "the one thing the user can now do",
            "metric": "one product outcome, such as task completion", "constraint": "the one constraint that matters",
            "sacrifice": "worse on something the user cares less about", "data": "the one or two richest data sources",
            "fallback": "a simple, labelled default such as the most popular choices",
            "failure": "a wrong answer shown with confidence, and stale data", "guardrail": "a harm metric that halts the rollout"}
    if prompt:
        base.update({k: v for k, v in prompt.hints.items() if v})
    return {f"{k}_hint": v for k, v in base.items()}


def fix_for(rubric: Rubric, signal_id: str, prompt: Prompt | None, exemplars: dict | None = None) -> Fix:
    """Advice and an example phrasing. The example is fitted to the prompt: its hints
    slotted into the rubric's template, or, for a positive signal whose template has no
    slot, a shipped exemplar from the prompt's own domain."""
    sig = rubric.signal(signal_id)
    example = sig.example
    if prompt and "{" not in example and sig.kind == "positive" and exemplars and signal_id in exemplars:
        same_domain = [h.text for h in exemplars[signal_id].hits if h.domain == prompt.domain]
        if same_domain:
            example = same_domain[0]
    try:
        example = example.format(**_hints(prompt))
    except (KeyError, IndexError):
        pass
    return Fix(signal=signal_id, advice=sig.advice, example=example, title=sig.title)


def choose_fixes(rubric: Rubric, results: dict[str, SignalResult], failing: list, prompt: Prompt | None,
                 exemplars: dict | None = None) -> list[Fix]:
    """The three changes that would most move the verdict: the deciding rule's conditions first."""
    order: list[str] = []

    def add(sid):
        if sid not in order:
            order.append(sid)

    for _rule, _text, cond in failing:
        if cond.missing:
            add(cond.missing)
        elif cond.missing_or_late:
            add(cond.missing_or_late)
        elif cond.present:
            add(cond.present)
        elif cond.red_flags_at_least is not None:
            for r in results.values():
                if r.kind == "red_flag" and r.present:
                    add(r.id)
        elif cond.fewer_present is not None:
            for s in cond.fewer_present["signals"]:
                if not results[s].present:
                    add(s)
        elif cond.not_all_on_time is not None:
            for s in cond.not_all_on_time:
                if not results[s].present or results[s].on_time is False:
                    add(s)
    return [fix_for(rubric, s, prompt, exemplars) for s in order[:3]]


MAX_PUSHBACK_NOTES = 3


def write_notes(rubric: Rubric, results: dict[str, SignalResult], verdict_reason: str,
                high_risk: list[str], phases: list[PhaseSpan], tr: Transcript,
                prompt: Prompt | None = None, priority: list[str] | None = None) -> list[str]:
    """Interviewer-style notes, most important first."""
    notes = [verdict_reason]
    notes.extend(f"High risk: {h}." for h in high_risk)
    for r in results.values():
        if r.kind == "red_flag" and r.present:
            q = r.evidence[0].quote if r.evidence else ""
            notes.append(f"Red flag at {clock(r.first_at_s)}, {r.title.lower()}: \"{_short(q)}\"")
    for sid in rubric.framing_signals:
        r = results[sid]
        if r.present and r.on_time is False:
            notes.append(f"{r.title} came late, at {clock(r.first_at_s)} (expected by {clock(r.deadline_s)}).")
    if prompt:
        # What the interviewer holding this prompt's case file would have asked.
        pushed = 0
        first = priority or []
        ordered = sorted(rubric.signals, key=lambda g: first.index(g.id) if g.id in first else len(first))
        for sig in ordered:
            r = results[sig.id]
            if sig.kind != "positive" or r.present or pushed >= MAX_PUSHBACK_NOTES:
                continue
            pb = next((p for p in prompt.case_file.pushbacks
                       if p.signal == sig.id and p.trigger in ("if_missing", "in_phase")), None)
            if pb:
                notes.append(f"No {sig.title.lower()}. In the real round the interviewer would push: \"{pb.say}\"")
                pushed += 1
    strengths = [r for r in results.values() if r.kind == "positive" and r.present and r.on_time is not False]
    strengths.sort(key=lambda r: r.first_at_s or 0)
    for r in strengths[:4]:
        notes.append(f"Strength at {clock(r.first_at_s)}, {r.title.lower()}: \"{_short(r.evidence[0].quote)}\"")
    if tr.timing == "estimated":
        notes.append("Times are estimated from word counts (150 words a minute): the input carried no timestamps.")
    elif tr.timing_note:
        notes.append(tr.timing_note)
    return notes


def _short(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def high_risk_entries(rubric: Rubric, results: dict[str, SignalResult]) -> list[str]:
    out = []
    for hr in rubric.high_risk:
        r = results[hr.signal]
        if not r.present:
            state = f"never named (needed by minute {int(hr.after_s // 60)})"
        elif r.first_at_s > hr.after_s:
            state = f"named at {clock(r.first_at_s)}, after minute {int(hr.after_s // 60)}"
        else:
            continue
        out.append(f"{hr.signal} {state}")
    return out


# ---------------------------------------------------------------- the report

def build_report(rubric: Rubric, tr: Transcript, units: list[Unit], findings: dict[str, list[Finding]],
                 prompt: Prompt | None = None, engine: str = "", exemplars: dict | None = None) -> Report:
    signals = signal_results(rubric, findings)
    results = {s.id: s for s in signals}
    phases = segment_phases(rubric, tr, results)
    checks = structure_checks(rubric, tr, results, phases)
    dims = dimension_results(rubric, results, checks)
    weights = {d.id: d.weight for d in rubric.dimensions}
    score = sum(d.score * weights[d.id] for d in dims) / sum(weights.values())
    verdict, rule_id, reason, failing = decide_verdict(rubric, results)
    high_risk = high_risk_entries(rubric, results)
    fixes = choose_fixes(rubric, results, failing, prompt, exemplars)
    return Report(
        source=tr.source, prompt_id=prompt.id if prompt else None, timing=tr.timing,
        duration_s=round(tr.duration_s, 1), verdict=verdict, verdict_reason=reason, verdict_rule=rule_id,
        score=round(max(1.0, min(4.0, score)), 2), high_risk=high_risk, dimensions=dims, signals=signals,
        phases=phases, notes=write_notes(rubric, results, reason, high_risk, phases, tr, prompt,
                                         [f.signal for f in fixes]),
        fixes=fixes, candidate=tr.candidate,
        prompt_title=prompt.title if prompt else None, format=tr.format, engine=engine,
        transcript=[TurnView(index=i, speaker=t.speaker, start_s=t.start_s, text=t.text,
                             candidate=t.speaker == tr.candidate) for i, t in enumerate(tr.turns)])
