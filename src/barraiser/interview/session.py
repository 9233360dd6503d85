"""The practice session engine: prompt, clock, phases, turns, and the store.

The one rule that matters most: a candidate turn is committed to the store
before the interviewer starts thinking about it, and the unsent draft is saved
as it is typed. A crash, a closed laptop or `kill -9` loses nothing; `resume`
continues the clock where it stopped (time while no process ran does not count).

Front ends (the terminal room, scripted runs, later the web app) only call this
class; none of them touches the store or the interviewer directly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from barraiser.content.models import MODES, PERSONAS, Prompt
from barraiser.errors import UserError
from barraiser.interview.clock import (PhaseBudget, SystemClock, mmss, phase_budgets, phase_index_at,
                                       speaking_seconds)
from barraiser.interview.interviewer import CANDIDATE, INTERVIEWER, Heard, Interviewer, LiveDetector, Reply
from barraiser.store import Store, StoredSession, StoredTurn
from barraiser.transcript.model import Transcript, Turn

MIN_MINUTES, MAX_MINUTES = 5, 120
MAX_TURN_CHARS = 20_000
INPUT_MODES = ("typed", "spoken")
COACH = "Coach"


@dataclass(frozen=True)
class Clocks:
    """Both clocks the candidate sees, and where the interview stands."""

    elapsed_s: float   # interview clock (active time)
    left_s: float
    spoken_s: float    # spoken-equivalent (typed) or measured (spoken) time of the conversation
    phase: PhaseBudget
    phase_index: int

    def line(self) -> str:
        return (f"{mmss(self.left_s)} left · {self.phase.title} · spoken-equivalent {mmss(self.spoken_s)}")


def check_options(minutes: float, persona: str, mode: str, input_mode: str = "typed") -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise UserError(f"--minutes {minutes:g} is out of range",
                        expected=f"a length from {MIN_MINUTES} to {MAX_MINUTES} minutes")
    if persona not in PERSONAS:
        raise UserError(f"unknown persona {persona!r}", expected=f"one of {', '.join(PERSONAS)}")
    if mode not in MODES:
        raise UserError(f"unknown mode {mode!r}", expected=f"one of {', '.join(MODES)}")
    if input_mode not in INPUT_MODES:
        raise UserError(f"unknown input mode {input_mode!r}", expected=f"one of {', '.join(INPUT_MODES)}")


class PracticeSession:
    def __init__(self, store: Store, record: StoredSession, prompt: Prompt, *, clock=None,
                 live: LiveDetector | None = None):
        from barraiser.content.rubric import interviewer_lines, rubric

        self.store = store
        self.record = record
        self.prompt = prompt
        self.clock = clock or SystemClock()
        self.rubric = rubric()
        self.budgets = phase_budgets(self.rubric, record.minutes)
        self.turns: list[StoredTurn] = list(record.turns)
        self.state: dict = dict(record.state)
        self.status = record.status
        self.draft = record.draft
        self._base_s = record.elapsed_s
        self._since = self.clock.now()
        self.interviewer = Interviewer(prompt, rubric=self.rubric, lines=interviewer_lines(), budgets=self.budgets,
                                       persona=record.persona, mode=record.mode, seed=record.seed, live=live)

    # -------------------------------------------------------- creating and reopening

    @classmethod
    def start(cls, store: Store, prompt_id: str | None = None, *, minutes: float = 45, persona: str = "neutral",
              mode: str = "exam", input_mode: str = "typed", seed: int | None = None, clock=None,
              live: LiveDetector | None = None) -> "PracticeSession":
        from barraiser.content.packs import load_content

        check_options(minutes, persona, mode, input_mode)
        content = load_content()
        if prompt_id is None:
            prompt_id = random.Random(seed).choice(sorted(content.prompts))
        prompt = content.prompt(prompt_id)
        seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
        record = store.create_session(prompt_id=prompt.id, title=prompt.title, minutes=minutes, persona=persona,
                                      mode=mode, input_mode=input_mode, seed=seed)
        session = cls(store, record, prompt, clock=clock, live=live)
        opening = session.interviewer.opening()
        session._add("interviewer", INTERVIEWER, opening.kind, opening.text, session.elapsed_s, opening.meta)
        session.warm_up()
        return session

    @classmethod
    def resume(cls, store: Store, session_id: str | None = None, *, clock=None,
               live: LiveDetector | None = None, unpause: bool = True) -> "PracticeSession":
        from barraiser.content.packs import load_content

        if session_id:
            record = store.get_session(session_id)
        else:
            latest = store.unfinished()
            if latest is None:
                raise UserError("there is no unfinished session to resume",
                                expected="`barraiser practice` to start one, or an ID from `barraiser history`")
            record = store.get_session(latest.id)
        if record.kind != "practice":
            raise UserError(f"session {record.short_id} is a graded upload, not a practice session")
        if record.status == "ended":
            raise UserError(f"session {record.short_id} has ended",
                            expected=f"`barraiser show {record.short_id}` to read its debrief")
        session = cls(store, record, load_content().prompt(record.prompt_id), clock=clock, live=live)
        session.warm_up()
        if session.status == "paused" and unpause:
            session.unpause()
        return session

    def warm_up(self) -> None:
        """Load what the interviewer needs before the candidate's first turn: the
        prompt's scoping-question matcher, and the live detector on what was already
        said (after a resume), so that no reply pays for loading."""
        from barraiser.interview.interviewer import scope_matcher

        scope_matcher(self.prompt)
        self.interviewer.live.detector  # noqa: B018  (loads the detection model)
        if self.heard():
            self.interviewer.live.findings(self.interviewer._transcript(self.heard()))

    # -------------------------------------------------------- clocks

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def minutes(self) -> float:
        return self.record.minutes

    @property
    def elapsed_s(self) -> float:
        if self.status == "active":
            return self._base_s + (self.clock.now() - self._since)
        return self._base_s

    @property
    def spoken_s(self) -> float:
        """The graded clock: where the conversation stands in spoken time."""
        spoken = [t for t in self.turns if t.role != "coach"]
        return spoken[-1].end_s if spoken else 0.0

    def clocks(self) -> Clocks:
        el = self.elapsed_s
        i = phase_index_at(self.budgets, el)
        return Clocks(el, max(0.0, self.minutes * 60 - el), self.spoken_s, self.budgets[i], i)

    @property
    def time_up(self) -> bool:
        return self.elapsed_s >= self.minutes * 60

    def set_elapsed(self, seconds: float) -> None:
        """Move the interview clock (scripted sessions say when each turn was sent)."""
        self._base_s = max(self.elapsed_s, float(seconds))
        self._since = self.clock.now()

    # -------------------------------------------------------- the conversation

    def heard(self) -> list[Heard]:
        return [Heard(t.role, t.text, t.wall_s) for t in self.turns if t.role in ("candidate", "interviewer")]

    def _add(self, role: str, speaker: str, kind: str, text: str, wall_s: float, meta: dict | None = None,
             *, clear_draft: bool = False, start_s: float | None = None) -> StoredTurn:
        if role == "coach":
            start = end = self.spoken_s  # the coach's notes take no interview time
        else:
            start = self.spoken_s if start_s is None else max(start_s, 0.0)
            end = start + speaking_seconds(text)
        # Only the interviewer's own turns write its memory (a candidate turn recorded
        # while a reply is being worked out must not overwrite what it remembers).
        turn = self.store.add_turn(self.id, role=role, speaker=speaker, kind=kind, text=text, wall_s=wall_s,
                                   start_s=round(start, 2), end_s=round(end, 2), meta=meta,
                                   clear_draft=clear_draft, state=self.state if role != "candidate" else None)
        self.turns.append(turn)
        if clear_draft:
            self.draft = ""
        return turn

    def send(self, text: str) -> list[StoredTurn]:
        """The candidate's turn: stored first, then the interviewer's reply (and, in
        coach mode, a coach's note). Returns the turns added after the candidate's."""
        self.record_turn(text)
        return self.answer()

    def record_turn(self, text: str) -> StoredTurn:
        """Commit the candidate's turn (the draft is cleared with it). Cheap: the web
        app acknowledges a turn as soon as this returns, and answers in `answer`."""
        text = (text or "").strip()
        if not text:
            raise UserError("the answer is empty", expected="some text to send")
        if len(text) > MAX_TURN_CHARS:
            raise UserError(f"the answer is {len(text):,} characters long",
                            expected=f"at most {MAX_TURN_CHARS:,} characters per turn; send it in parts")
        if self.status == "ended":
            raise UserError("this session has ended", expected="a new session")
        if self.status == "paused":
            self.unpause()
        wall = self.elapsed_s
        start = wall if self.record.input_mode == "spoken" else None
        return self._add("candidate", CANDIDATE, "answer", text, wall, clear_draft=True, start_s=start)

    @property
    def awaiting_answer(self) -> bool:
        """Has the candidate spoken since the interviewer last did?"""
        spoken = [t for t in self.turns if t.role in ("candidate", "interviewer")]
        return bool(spoken) and spoken[-1].role == "candidate" and self.status != "ended"

    def answer(self) -> list[StoredTurn]:
        """The interviewer's reply to what the candidate has said since it last spoke
        (several turns sent quickly are answered together); at time, the closing."""
        if not self.awaiting_answer:
            return []
        wall = max(t.wall_s for t in self.turns if t.role == "candidate")
        if self.time_up:
            return self._close()
        reply = self.interviewer.respond(self.heard(), wall, self.state)
        return self._say(reply, wall)

    def _say(self, reply: Reply, wall: float) -> list[StoredTurn]:
        out = [self._add("interviewer", INTERVIEWER, reply.kind, reply.text, wall, reply.meta)]
        if reply.coach_note:
            out.append(self._add("coach", COACH, "nudge", reply.coach_note, wall))
        return out

    def _close(self) -> list[StoredTurn]:
        if any(t.kind == "closing" for t in self.turns):
            return []
        closing = self.interviewer.closing(len(self.turns), at_time=self.time_up)
        return [self._add("interviewer", INTERVIEWER, closing.kind, closing.text, self.elapsed_s, closing.meta)]

    def save_draft(self, text: str) -> None:
        """Keep what the candidate is typing (and the clock) before it is sent."""
        self.draft = text
        self.store.save_draft(self.id, text, self.elapsed_s)

    def heartbeat(self) -> None:
        """Persist the clock, so a resumed session loses at most one beat of time."""
        self.store.update_session(self.id, elapsed_s=self.elapsed_s)

    def pause(self) -> None:
        if self.status == "active":
            self._base_s = self.elapsed_s
            self.status = "paused"
            self.store.update_session(self.id, status="paused", elapsed_s=self._base_s)

    def unpause(self) -> None:
        if self.status == "paused":
            self.status = "active"
            self._since = self.clock.now()
            self.store.update_session(self.id, status="active", elapsed_s=self._base_s)

    # -------------------------------------------------------- the end

    def transcript(self) -> Transcript:
        """The session as the grader reads it: the same Transcript a file would give."""
        turns = [Turn(t.speaker, t.start_s, max(t.end_s, t.start_s), t.text)
                 for t in self.turns if t.role in ("candidate", "interviewer")]
        timing = "measured" if self.record.input_mode == "spoken" else "estimated"
        return Transcript(turns, source=f"practice session {self.record.id[:8]}", timing=timing,
                          candidate=CANDIDATE, format="practice", title=self.prompt.title)

    def end(self, reason: str = "ended by the candidate", *, detector=None):
        """Close the interview, grade it, store the report; returns the Report (None
        if the candidate never spoke: there is nothing to grade)."""
        from datetime import datetime, timezone

        if self.draft.strip() and self.status != "ended":
            # an unsent draft at the end is the candidate's last word, not lost
            self._add("candidate", CANDIDATE, "answer", self.draft.strip(), self.elapsed_s, {"from_draft": True},
                      clear_draft=True)
        if self.status != "ended":
            self._close()
        self._base_s = self.elapsed_s
        self.status = "ended"
        self.store.update_session(self.id, status="ended", elapsed_s=self._base_s, end_reason=reason,
                                  ended_at=datetime.now(timezone.utc))
        if not any(t.role == "candidate" for t in self.turns):
            return None
        return self.grade(detector=detector)

    def grade(self, *, detector=None):
        from barraiser.grading import grade

        report = grade(self.transcript(), self.prompt.id, detector=detector or self.interviewer.live.detector)
        report.source = f"practice session {self.record.id[:8]}"
        self.store.save_report(self.id, report.to_json_dict(include_transcript=True))
        return report
