"""The mock interviewer: embedded, offline, and reproducible from a seed.

After each candidate turn it does what a prepared interviewer does with a case
file in hand:

1. answers scoping questions from the case file, matched by meaning (sentence
   embeddings against the ways the case file says the question gets asked);
   a question the file has nothing for gets "good question - what would you
   assume?";
2. otherwise reacts to what it just heard, found by the same detector the
   grader uses, run live on the new sentences only: a red flag ("let's A/B test
   it", a long list of data sources) gets the case file's pushback; a number
   with no reason gets "why that number?";
3. keeps time: moves the candidate to the next phase near its budget, checks
   for a fallback before leaving the flow, warns when five minutes are left;
4. pushes on what is overdue (no constraint by minute 8, no failure modes in
   the edge-case phase, ...), as often as its persona allows.

A reply asks one question at most. In exam mode it never names what is being
scored; in coach mode a separate coach's note says what is overdue and how a
strong candidate would put it. Every choice of wording comes from a random
generator seeded by the session's seed and the turn number, so a replay of the
same turns gives the same interview.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from barraiser.content.models import PHASE_IDS, InterviewerLines, Prompt, Reveal, Rubric
from barraiser.grading import cues
from barraiser.interview.clock import PhaseBudget, phase_index_at, speaking_seconds
from barraiser.transcript.model import Transcript, Turn

CANDIDATE = "Candidate"
INTERVIEWER = "Interviewer"

# Cosine similarity (MiniLM) above which a question is taken to ask what a case
# file's reveal answers. Measured on 29 paraphrased questions over 5 prompts
# (none of them a case file's own phrasing): 0.48 got 25 right, with off-topic
# questions ("what colour is the logo?") at 0.2-0.4.
MATCH_MIN = 0.48

# The constraint is due by minute 8 of 45 (the "no constraint by minute 8"),
# two minutes before the rubric calls it late, so the candidate can still recover.
CONSTRAINT_DUE_S = 8 * 60

RED_FLAGS_PUSHED = ("ab_test_everything", "collect_all_data", "solution_sprawl", "cargo_cult_model",
                    "infra_deep_dive", "training_internals", "error_as_fallback", "technical_kpi_goal")

# The order in which overdue gaps are raised, most decisive first.
GAP_ORDER = ("top_constraint", "user_defined", "success_metric", "core_action", "fallback",
             "tradeoff_statement", "flow_sketched", "options_compared", "threshold_justified",
             "data_prioritized", "failure_modes", "guardrail", "scale_breakpoint", "cold_start",
             "user_impact_quantified", "retraining_policy")

# Where a gap without a rubric deadline is raised if the case file does not say:
# (phase, candidate turns heard in that phase first).
GAP_PHASE = {"flow_sketched": ("flow", 2), "options_compared": ("deep_dive", 2),
             "threshold_justified": ("deep_dive", 3), "data_prioritized": ("deep_dive", 2),
             "user_impact_quantified": ("deep_dive", 4), "retraining_policy": ("deep_dive", 4),
             "failure_modes": ("edge_cases", 1), "guardrail": ("edge_cases", 1),
             "scale_breakpoint": ("edge_cases", 2), "cold_start": ("edge_cases", 2)}

# Signals whose presence shows the candidate has already moved into a phase.
PHASE_CONTENT = {"flow": ("flow_sketched", "fallback"),
                 "deep_dive": ("options_compared", "threshold_justified", "data_prioritized"),
                 "edge_cases": ("failure_modes", "guardrail", "scale_breakpoint")}

# How often each persona pushes on a gap (candidate turns since the last pushback),
# and from how many words it cuts into a monologue.
PERSONA = {
    "supportive": {"gap_every": 3, "interrupt_words": None, "repeats": False},
    "neutral": {"gap_every": 2, "interrupt_words": 450, "repeats": False},
    "adversarial": {"gap_every": 1, "interrupt_words": 220, "repeats": True},
}

MAX_NUMBER_PUSHBACKS = 2

_CHECK_IN = re.compile(
    r"\b(?:does (?:that|this) (?:make sense|sound|work)|(?:should|shall|can|may) I\b|is (?:that|this) "
    r"(?:ok|okay|fine|alright|all right|reasonable)|(?:want|like) me to|do you want|any questions|"
    r"move on|go deeper|good (?:to|if I) )", re.I)
_DECISION_NUMBER = re.compile(
    r"\d\s*(?:%|percent|ms\b|milliseconds|seconds?\b|secs?\b|minutes?\b|hours?\b|days?\b|x\b)|"
    r"\b0?\.\d+\b|\b(?:threshold|cut-?off|confidence|target|goal|aim|limit|cap|budget|under|below|above|"
    r"at least|at most|within|no more than|less than|more than)\b", re.I)
_REASON = re.compile(
    r"\b(?:because|since|so that|so we|so the|so they|otherwise|which means|that way|given|cost|costs|"
    r"means|to avoid|to keep|to protect|in order to|the reason|why|trade|lose|loses|worse|risk|users? "
    r"(?:would|will|wait|see|get|lose|leave|pay))\b", re.I)
_NUMBER_TOKEN = re.compile(r"\d[\d,.]*")
SURE_JUSTIFIED = 0.7  # detector probability above which a number counts as explained


@dataclass
class Reply:
    text: str
    kind: str                       # opening, reveal, unknown, check_in, pushback, number, fallback_check,
                                    # phase_move, ack, closing
    meta: dict = field(default_factory=dict)
    coach_note: str | None = None   # coach mode only: said by the coach, not the interviewer


# ---------------------------------------------------------------- matching scoping questions by meaning

class ScopeMatcher:
    """Finds the case-file reveal a question asks for, by sentence similarity to the
    ways the case file says it gets asked, to general phrasings of its topic, and to
    the answer itself (a question about "sign-ins per day" is close to an answer
    that gives logins per day)."""

    def __init__(self, prompt: Prompt, backend, topic_questions: dict[str, list[str]]):
        self.backend = backend
        self.reveals: list[Reveal] = list(prompt.case_file.reveals)
        owners, texts = [], []
        for i, r in enumerate(self.reveals):
            for q in [*r.asked_as, *topic_questions.get(r.topic, []), r.answer]:
                owners.append(i)
                texts.append(q)
        self._owner = np.array(owners)
        self._emb = backend.embed(texts)

    def match(self, questions: list[str]) -> list[tuple[Reveal | None, float]]:
        if not questions or not self.reveals:
            return [(None, 0.0) for _ in questions]
        sims = self.backend.embed(questions) @ self._emb.T  # unit vectors: cosine
        out = []
        for row in sims:
            best = np.array([row[self._owner == i].max() for i in range(len(self.reveals))])
            k = int(best.argmax())
            out.append((self.reveals[k], float(best[k])) if best[k] >= MATCH_MIN else (None, float(best[k])))
        return out


# Room for every prompt of a large bank: building one embeds ~100 phrasings (~0.3 s),
# and a server with many candidates on different prompts must not rebuild them in turn.
@lru_cache(maxsize=256)
def _matcher(prompt_id: str, prompt_json: str) -> ScopeMatcher:
    from barraiser.content.models import Prompt as P
    from barraiser.content.rubric import interviewer_lines
    from barraiser.grading.embeddings import get_backend

    return ScopeMatcher(P.model_validate_json(prompt_json), get_backend(), interviewer_lines().topic_questions)


def scope_matcher(prompt: Prompt) -> ScopeMatcher:
    # keyed by the prompt's content too, so an edited user pack is never served stale
    return _matcher(prompt.id, prompt.model_dump_json(by_alias=True))


# ---------------------------------------------------------------- live detection

class LiveDetector:
    """The grader's detector, run on the conversation so far, embedding each
    candidate sentence once: later turns only pay for their own new sentences."""

    def __init__(self, detector=None):
        self._detector = detector
        self._cache: dict[tuple, np.ndarray] = {}

    @property
    def detector(self):
        if self._detector is None:
            from barraiser.grading.detect import Detector

            self._detector = Detector()
        return self._detector

    def findings(self, tr: Transcript):
        from barraiser.grading.questions import raise_scores
        from barraiser.grading.units import candidate_units

        units = candidate_units(tr)
        keys = [(u.turn, u.start, u.end, u.text, u.prev_interviewer) for u in units]
        new = [i for i, k in enumerate(keys) if k not in self._cache]
        boost = self.detector.question_boost(units)
        if new:
            # the cascade: MiniLM only for sentences a cheap estimate cannot rule out
            probs = self.detector.cascade_scores([units[i] for i in new],
                                                 None if boost is None else boost[new])
            for row, i in zip(probs, new):
                self._cache[keys[i]] = row
        if not units:
            return units, {}
        return units, self.detector.findings(units, raise_scores(np.vstack([self._cache[k] for k in keys]), boost))


# ---------------------------------------------------------------- the interviewer

@dataclass
class Heard:
    """One turn as the interviewer remembers it."""

    role: str
    text: str
    wall_s: float


class Interviewer:
    def __init__(self, prompt: Prompt, *, rubric: Rubric, lines: InterviewerLines, budgets: list[PhaseBudget],
                 persona: str = "neutral", mode: str = "exam", seed: int = 0, live: LiveDetector | None = None):
        self.prompt = prompt
        self.rubric = rubric
        self.lines = lines
        self.budgets = budgets
        self.minutes = budgets[-1].end_s / 60
        self.persona = persona
        self.mode = mode
        self.seed = seed
        self.live = live or LiveDetector()
        self._scale = self.minutes / rubric.interview_minutes

    # -------------------------------------------------------- helpers

    def _rng(self, n: int, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{n}:{purpose}")

    def _pick(self, options: list[str], n: int, purpose: str) -> str:
        return self._rng(n, purpose).choice(options)

    def _fill(self, text: str, now_s: float) -> str:
        def minutes(m: int) -> str:
            return f"{m} minute{'s' * (m != 1)}"

        left = max(1, round((self.minutes * 60 - now_s) / 60))
        phase = self.budgets[phase_index_at(self.budgets, now_s)].title
        return text.replace("{elapsed}", minutes(max(1, round(now_s / 60)))).replace("{left}", minutes(left)) \
                   .replace("{phase}", phase)

    def pushback_text(self, signal: str, n: int) -> str:
        """The case file's own pushback for `signal` first, else a generic one."""
        own = [p.say for p in self.prompt.case_file.pushbacks if p.signal == signal]
        return own[0] if own else self._pick(self.lines.pushbacks[signal], n, f"push:{signal}")

    def _due_s(self, signal: str) -> float | None:
        if signal == "top_constraint":
            return CONSTRAINT_DUE_S * self._scale
        deadline = self.rubric.signal(signal).deadline_s
        if signal in ("user_defined", "success_metric", "core_action"):
            # raised at the end of the framing budget, not at 3:00 sharp
            return self.budgets[0].end_s
        return deadline * self._scale if deadline is not None else None

    def _gap_phase(self, signal: str) -> tuple[str, int] | None:
        for p in self.prompt.case_file.pushbacks:
            if p.signal == signal and p.trigger in ("if_missing", "in_phase") and p.phase:
                need = GAP_PHASE.get(signal, (p.phase, 1))[1] if p.phase != "framing" else 0
                return p.phase, need
        return GAP_PHASE.get(signal)

    def overdue(self, present: set[str], now_s: float, phase_turns: dict[str, int]) -> list[str]:
        """Gaps worth raising now, most decisive first."""
        phase_now = phase_index_at(self.budgets, now_s)
        out = []
        for s in GAP_ORDER:
            if s in present:
                continue
            due = self._due_s(s)
            if due is not None and now_s >= due:
                out.append(s)
                continue
            where = self._gap_phase(s)
            if where and due is None:
                phase, need = where
                k = PHASE_IDS.index(phase)
                if phase_now > k or (phase_now == k and phase_turns.get(phase, 0) >= need):
                    out.append(s)
        return out

    # -------------------------------------------------------- what it says

    def opening(self) -> Reply:
        minutes = round(self.minutes)
        text = (f"Thanks for making the time. Here's the problem: {self.prompt.prompt} "
                f"We have {minutes} minutes. Take it wherever you think it should go, and ask me anything "
                f"you'd want to know.")
        return Reply(text, "opening", {"phase": "framing"})

    def welcome_back(self, now_s: float) -> str:
        """Said (not stored) when a session resumes."""
        return self._fill(self._pick(self.lines.resume_lines, int(now_s), "resume"), now_s)

    def closing(self, n: int, *, at_time: bool = True) -> Reply:
        lines = self.lines.closings if at_time else self.lines.early_closings
        return Reply(self._pick(lines, n, "closing"), "closing", {"at_time": at_time})

    def respond(self, heard: list[Heard], now_s: float, state: dict) -> Reply:
        """The reply to the candidate's latest turn (the last of `heard`). `state` is the
        interviewer's memory; it is updated in place and must be stored with the reply."""
        n = len(heard)
        tr = self._transcript(heard)
        units, findings = self.live.findings(tr)
        # the candidate's turns since the interviewer last spoke (usually just one)
        last_turn = max((i for i, t in enumerate(tr.turns) if t.speaker != CANDIDATE), default=-1) + 1
        present = {s for s, fs in findings.items() if fs}
        new = {s for s, fs in findings.items() if any(f.turn >= last_turn for f in fs)}
        phase_now = phase_index_at(self.budgets, now_s)
        phase_id = PHASE_IDS[phase_now]
        turns_in = state.setdefault("phase_turns", {})
        turns_in[phase_id] = turns_in.get(phase_id, 0) + 1
        gaps = self.overdue(present, now_s, turns_in)  # computed once: steps 3, 5 and the coach use it
        state["since_push"] = state.get("since_push", 0) + 1
        persona = PERSONA.get(self.persona, PERSONA["neutral"])
        parts: list[str] = []
        meta: dict = {"phase": phase_id, "heard": sorted(new)}

        # time warning, once, five minutes (scaled) before the end
        left = self.minutes * 60 - now_s
        if not state.get("warned") and left <= 5 * 60 * self._scale and phase_now == len(self.budgets) - 1:
            state["warned"] = True
            parts.append(self._fill(self._pick(self.lines.time_warnings, n, "warn"), now_s))

        said = " ".join(t.text for t in tr.turns[last_turn:])
        reply = self._answer_questions(units, last_turn, said, n, parts, meta)
        if reply is not None:
            return self._finish(reply, gaps, state)

        words = len(said.split())
        limit = persona["interrupt_words"]
        if limit and words >= limit:
            parts.append(self._pick(self.lines.interruptions, n, "interrupt"))

        # 1. a red flag just heard
        for s in RED_FLAGS_PUSHED:
            if s in new and s not in state.setdefault("pushed", []):
                return self._finish(self._push(s, n, parts, meta, state, "on_signal"), gaps, state)

        # 2. time to move on: check the fallback before leaving the flow, then announce the next phase
        announced = state.get("announced", 0)
        if phase_now > announced:
            if (announced <= 1 < phase_now and "fallback" not in present and not state.get("fallback_checked")):
                state["fallback_checked"] = True
                state.setdefault("pushed", []).append("fallback")
                state["since_push"] = 0
                state["last_push"] = {"signal": "fallback", "turn": n}
                parts.append(self._pick(self.lines.fallback_before_moving_on, n, "fallback_check"))
                return self._finish(Reply(" ".join(parts), "fallback_check", {**meta, "signal": "fallback"}),
                                    gaps, state)
            state["announced"] = phase_now
            target = PHASE_IDS[phase_now]
            if not (set(PHASE_CONTENT.get(target, ())) & new):
                parts.append(self._fill(self._pick(self.lines.phase_moves[target], n, "move"), now_s))
                return self._finish(Reply(" ".join(parts), "phase_move", {**meta, "to_phase": target}),
                                    gaps, state)

        # 3. an ignored pushback, asked again (adversarial only), unless a more decisive
        #    gap has just become overdue
        last = state.get("last_push")
        fresh = [g for g in gaps if g not in state.setdefault("pushed", [])]

        def rank(sig: str) -> int:
            return GAP_ORDER.index(sig) if sig in GAP_ORDER else len(GAP_ORDER)

        if (persona["repeats"] and last and last.get("turn") == n - 2 and last["signal"] not in present
                and last["signal"] not in state.setdefault("repeated", [])
                and not (fresh and rank(fresh[0]) < rank(last["signal"]))):
            state["repeated"].append(last["signal"])
            question = self.pushback_text(last["signal"], last["turn"])
            parts.append(self._pick(self.lines.repeat_pushback, n, "repeat").replace("{question}", question))
            state["since_push"] = 0
            return self._finish(Reply(" ".join(parts), "pushback", {**meta, "signal": last["signal"],
                                                                    "repeat": True}),
                                gaps, state)

        gap_allowed = state["since_push"] >= persona["gap_every"]

        # 4. a number with no reason (a reaction to what was just said, like a red flag)
        if state.get("numbers", 0) < MAX_NUMBER_PUSHBACKS and state.get("last_number") != n - 2:
            prev_interviewer = tr.turns[last_turn - 1].text if last_turn > 0 else ""
            # The detector's word that a number is justified overrides the reason words
            # only when it is sure: a bare "block above 0.7" sits near its threshold.
            justified = any(f.turn >= last_turn and f.confidence >= SURE_JUSTIFIED
                            for s in ("threshold_justified", "user_impact_quantified") for f in findings[s])
            for u in units:
                if u.turn >= last_turn and self._unexplained_number(u.text, prev_interviewer) and not justified:
                    state["numbers"] = state.get("numbers", 0) + 1
                    state["last_number"] = n
                    state["since_push"] = 0
                    parts.append(self._pick(self.lines.number_without_reason, n, "number"))
                    return self._finish(Reply(" ".join(parts), "number", {**meta, "quote": u.text}),
                                        gaps, state)

        # 5. the most decisive overdue gap
        if gap_allowed:
            for s in gaps:
                if s not in state.setdefault("pushed", []):
                    return self._finish(self._push(s, n, parts, meta, state, "if_missing"), gaps, state)

        # 6. nothing to push on: acknowledge, and let them keep going
        acks = self.lines.acknowledgements.get(self.persona) or self.lines.acknowledgements["neutral"]
        parts.append(self._pick(acks, n, "ack"))
        return self._finish(Reply(" ".join(parts), "ack", meta), gaps, state)

    # -------------------------------------------------------- pieces

    def _transcript(self, heard: list[Heard]) -> Transcript:
        turns = []
        for h in heard:
            who = CANDIDATE if h.role == "candidate" else INTERVIEWER
            turns.append(Turn(who, h.wall_s, h.wall_s + speaking_seconds(h.text), h.text))
        return Transcript(turns, source="live session", candidate=CANDIDATE, format="practice")

    def _answer_questions(self, units, last_turn: int, text: str, n: int, parts: list[str],
                          meta: dict) -> Reply | None:
        """Answer what the candidate asked: reveals from the case file, else ask what
        they would assume. Only questions at the end of the turn are addressed to
        the interviewer; a question the candidate goes on to answer is rhetorical."""
        mine = [u for u in units if u.turn >= last_turn]
        # Typed text has its question marks; only unpunctuated (dictated) text needs
        # the word-order test, which would misread "When the score is high, we ...".
        punctuated = bool(re.search(r"[.?!]", text))

        def asks(t: str) -> bool:
            return t.rstrip().endswith("?") if punctuated else cues.is_question(t)

        asked: list[str] = []
        for u in reversed(mine):
            if asks(u.text):
                asked.insert(0, u.text)
            elif len(u.text.split()) >= 8:
                break
        if not asked:
            return None
        check_ins = [q for q in asked if _CHECK_IN.search(q)]
        scoping = [q for q in asked if q not in check_ins]
        answers: list[str] = []
        topics: list[str] = []
        unknown = False
        for q, (reveal, sim) in zip(scoping, scope_matcher(self.prompt).match(scoping) if scoping else []):
            if reveal is None:
                unknown = True
            elif reveal.topic not in topics or reveal.answer not in answers:
                if reveal.answer not in answers:
                    answers.append(reveal.answer)
                    topics.append(reveal.topic)
        if answers:
            parts.extend(answers)
            if unknown:
                parts.append("For the rest, tell me what you'd assume.")
            return Reply(" ".join(parts), "reveal", {**meta, "topics": topics})
        if unknown:
            parts.append(self.prompt.case_file.unknown_answer)
            return Reply(" ".join(parts), "unknown", meta)
        parts.append(self._pick(self.lines.check_in_replies, n, "check_in"))
        return Reply(" ".join(parts), "check_in", meta)

    def _push(self, signal: str, n: int, parts: list[str], meta: dict, state: dict, why: str) -> Reply:
        state.setdefault("pushed", []).append(signal)
        state["since_push"] = 0
        state["last_push"] = {"signal": signal, "turn": n}
        openers = self.lines.pushback_openers.get(self.persona) or [""]
        opener = self._pick(openers, n, "opener") if not parts else ""
        parts.append(opener + self.pushback_text(signal, n))
        return Reply(" ".join(parts), "pushback", {**meta, "signal": signal, "trigger": why})

    @staticmethod
    def _unexplained_number(text: str, prev_interviewer: str) -> bool:
        if not cues.has_number(text) or not _DECISION_NUMBER.search(text) or _REASON.search(text):
            return False
        if text.rstrip().endswith("?"):
            return False
        # restating a figure the interviewer just gave is not a decision
        theirs = set(_NUMBER_TOKEN.findall(prev_interviewer))
        mine = set(_NUMBER_TOKEN.findall(text))
        return bool(mine - theirs) if mine else True

    def _finish(self, reply: Reply, gaps: list[str], state: dict) -> Reply:
        if self.mode == "coach":
            reply.coach_note = self._coach_note(gaps, state)
        return reply

    def _coach_note(self, gaps: list[str], state: dict) -> str | None:
        from barraiser.grading.scoring import fix_for

        nudged = state.setdefault("nudged", [])
        for s in gaps:
            if s in nudged:
                continue
            nudged.append(s)
            fix = fix_for(self.rubric, s, self.prompt)
            return f"Coach: {fix.title} is overdue. {fix.advice} For example: \"{fix.example}\""
        return None
