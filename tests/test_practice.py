"""Whole practice sessions driven by scripted candidate turns, on a clock the test controls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from barraiser.content.packs import load_content
from barraiser.content.rubric import rubric
from barraiser.errors import UserError
from barraiser.interview.clock import ManualClock, phase_budgets, speaking_seconds
from barraiser.interview.script import read_steps, run_script
from barraiser.interview.session import PracticeSession
from barraiser.store import Store

DATA = Path(__file__).with_name("data")
ATO = "account-takeover-detection"


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'practice.db'}")
    yield s
    s.close()


def start(store, prompt=ATO, **kw) -> PracticeSession:
    kw.setdefault("seed", 11)
    return PracticeSession.start(store, prompt, clock=ManualClock(), **kw)


def say(session, at_min: float, text: str):
    session.set_elapsed(at_min * 60)
    return session.send(text)


def interviewer_turns(session):
    return [t for t in session.turns if t.role == "interviewer"]


def run_file(session, name: str):
    with open(DATA / name, encoding="utf-8") as fh:
        return run_script(session, fh, source=name, say=lambda _: None)


def reply_to(session, text_start: str):
    """The interviewer's turn right after the candidate turn starting with `text_start`."""
    for i, t in enumerate(session.turns):
        if t.role == "candidate" and t.text.startswith(text_start):
            return next(u for u in session.turns[i + 1:] if u.role == "interviewer")
    raise AssertionError(f"no candidate turn starting {text_start!r}")


# ------------------------------------------------------------------ the interviewer answers

def test_opening_states_the_prompt_and_the_time(store):
    s = start(store, minutes=30)
    first = s.turns[0]
    assert first.role == "interviewer" and first.kind == "opening"
    assert load_content().prompt(ATO).prompt in first.text
    assert "30 minutes" in first.text


@pytest.mark.parametrize("question, expected_fact", [
    # none of these is a case file phrasing: they must match by meaning
    ("Roughly what volume of sign-ins are we talking about per day?", "30 million logins a day"),
    ("Which group suffers most when an account gets hijacked?", "2 million active sellers"),
    ("How do we find out today that an account was compromised?", "owners reporting takeover"),
    ("Is this mostly people on phones or on computers?", "60% of logins are on the mobile apps"),
    ("How much money is this costing us right now?", "$14 million"),
])
def test_scoping_questions_are_answered_from_the_case_file(store, question, expected_fact):
    s = start(store)
    reply = say(s, 0.5, question)[0]
    assert reply.kind == "reveal"
    assert expected_fact in reply.text


def test_a_question_the_case_file_cannot_answer_gets_what_would_you_assume(store):
    s = start(store)
    reply = say(s, 0.5, "What's the company's policy on remote work?")[0]
    assert reply.kind == "unknown"
    assert reply.text == load_content().prompt(ATO).case_file.unknown_answer


def test_two_questions_in_one_turn_get_both_answers(store):
    s = start(store)
    reply = say(s, 0.5, "Before I start: which accounts are we protecting, buyers or sellers? "
                        "And how many logins do we get per day?")[0]
    assert reply.kind == "reveal" and set(reply.meta["topics"]) == {"users", "scale"}


def test_rhetorical_question_is_not_answered(store):
    s = start(store)
    reply = say(s, 1, "Who gets hurt here? Mostly sellers, because their payouts are redirected and "
                      "their trusted accounts are used to scam buyers, so I'll design for sellers.")[0]
    assert reply.kind not in ("reveal", "unknown")


def test_a_check_in_is_not_treated_as_a_scoping_question(store):
    s = start(store)
    reply = say(s, 3, "I'll focus on sellers and their payouts. Does that make sense?")[0]
    assert reply.kind == "check_in"


# ------------------------------------------------------------------ pushbacks at the right moments

def test_weak_session_gets_the_right_pushbacks_at_the_right_moments(store):
    s = start(store, persona="neutral")
    run_file(s, "weak-session.txt")
    case = load_content().prompt(ATO).case_file
    pushes = {t.meta.get("signal"): t for t in interviewer_turns(s) if t.kind in ("pushback", "fallback_check")}

    # a long list of data sources: the case file's own pushback, right away
    data = reply_to(s, "We should gather everything")
    assert data.meta["signal"] == "collect_all_data"
    assert data.text.endswith(next(p.say for p in case.pushbacks if p.signal == "collect_all_data"))
    # no constraint by minute 8: pushed after 8:00, never before
    constraint = pushes["top_constraint"]
    assert 8 * 60 <= constraint.wall_s < 10 * 60
    assert "What's the one thing you will not give up?" in constraint.text
    # a threshold with no reason
    assert reply_to(s, "We'll block the login when the score is above 0.7").kind == "number"
    # leaving the flow without a fallback
    leaving = reply_to(s, "Next I want to talk about the model")
    assert leaving.kind == "fallback_check"
    # "let's A/B test everything"
    assert reply_to(s, "For the model, honestly, let's A/B test").meta["signal"] == "ab_test_everything"
    # phases move near their budgets, in order
    moves = [t.meta["to_phase"] for t in interviewer_turns(s) if t.kind == "phase_move"]
    assert moves == ["flow", "deep_dive", "edge_cases"]
    # the interview closes at time
    assert s.turns[-1].kind == "closing" and s.turns[-1].meta["at_time"] is True


def test_strong_candidate_is_not_pushed_on_what_they_already_said(store):
    s = start(store, persona="adversarial")
    run_file(s, "strong-session.txt")
    pushed = {t.meta.get("signal") for t in interviewer_turns(s) if t.kind == "pushback"}
    for shown in ("top_constraint", "user_defined", "success_metric"):
        assert shown not in pushed


@pytest.mark.xfail(strict=True, reason="grader recall: a fallback described without fallback wording "
                                       "('we don't lock them out: they get a push to a known device') "
                                       "scores 0.19 against a 0.50 threshold")
def test_a_fallback_said_in_plain_words_is_heard(store):
    s = start(store, persona="adversarial")
    run_file(s, "strong-session.txt")
    assert not any(t.kind == "fallback_check" or t.meta.get("signal") == "fallback" for t in s.turns)


def test_no_constraint_pushback_before_minute_8(store):
    s = start(store, persona="adversarial")
    for minute, text in [(1, "I'd start by building a model over the login events."),
                         (3, "The model gives every login a score."),
                         (5, "Scores get stored for the security team."),
                         (7, "We retrain it when we have new data.")]:
        for t in say(s, minute, text):
            assert t.meta.get("signal") != "top_constraint", t.text
    late = say(s, 8.5, "And the model output goes to a dashboard.")[0]
    assert late.meta.get("signal") == "top_constraint"


def test_negated_red_flag_gets_no_pushback(store):
    s = start(store)
    reply = say(s, 20, "I wouldn't A/B test everything here: my bet is scoring at the payout change, "
                       "and I'd test only the challenge threshold.")[0]
    assert reply.meta.get("signal") != "ab_test_everything"


def test_the_interviewer_never_asks_two_questions_at_once(store):
    for persona in ("supportive", "neutral", "adversarial"):
        s = start(store, persona=persona, mode="coach")
        run_file(s, "weak-session.txt")
        for t in interviewer_turns(s):
            assert t.text.count("?") <= 1, t.text


def test_personas_differ_in_how_often_they_push(store):
    counts = {}
    for persona in ("supportive", "adversarial"):
        s = start(store, persona=persona)
        run_file(s, "weak-session.txt")
        counts[persona] = sum(t.kind in ("pushback", "number", "fallback_check") for t in interviewer_turns(s))
    assert counts["adversarial"] > counts["supportive"]


def test_adversarial_interviewer_cuts_into_a_monologue(store):
    s = start(store, persona="adversarial")
    long = " ".join(["We would build a large platform with many services and pipelines."] * 25)
    reply = say(s, 6, long)[0]
    assert any(reply.text.startswith(x) for x in ("Let me stop you there.", "I'm going to cut in.",
                                                   "Hold on a second."))


# ------------------------------------------------------------------ exam and coach modes

RUBRIC_WORDS = re.compile(r"\b(rubric|signal|scor(?:e|ed|ing) you|red flag|deadline|overdue|verdict|"
                          r"dimension|hire)\b", re.I)


def test_exam_mode_never_reveals_the_rubric(store):
    titles = [s.title.lower() for s in rubric().signals]
    for persona in ("supportive", "neutral", "adversarial"):
        s = start(store, persona=persona, mode="exam")
        run_file(s, "weak-session.txt")
        assert not [t for t in s.turns if t.role == "coach"]
        for t in interviewer_turns(s):
            assert not RUBRIC_WORDS.search(t.text), t.text
            low = t.text.lower()
            assert not [x for x in titles if len(x) > 12 and x in low], t.text


def test_coach_mode_nudges_when_a_signal_is_overdue(store):
    s = start(store, mode="coach")
    run_file(s, "weak-session.txt")
    notes = [t for t in s.turns if t.role == "coach"]
    assert notes, "coach mode gave no nudge"
    first = notes[0]
    assert first.speaker == "Coach" and "overdue" in first.text and "For example" in first.text
    # nudges are not part of the interview the grader reads
    assert "Coach" not in {t.speaker for t in s.transcript().turns}


# ------------------------------------------------------------------ reproducible, clocks, budgets

def test_the_same_seed_replays_the_same_interview(tmp_path):
    texts = []
    for i in range(2):
        st = Store.open(f"sqlite:///{tmp_path / f'r{i}.db'}")
        s = start(st, seed=42)
        run_file(s, "weak-session.txt")
        texts.append([t.text for t in s.turns])
        st.close()
    assert texts[0] == texts[1]


def test_phase_budgets_scale_with_the_length():
    b = phase_budgets(rubric(), 45)
    assert [round(x.minutes) for x in b] == [5, 10, 20, 10]
    b = phase_budgets(rubric(), 30)
    assert [round(x.end_s) for x in b] == [200, 600, 1400, 1800]


def test_typed_session_is_graded_on_spoken_equivalent_time(store):
    s = start(store)
    say(s, 2, "I'll design for sellers whose payouts get redirected.")
    say(s, 6, "Success is harmful takeovers per million accounts.")
    tr = s.transcript()
    assert tr.timing == "estimated"
    words = sum(speaking_seconds(t.text) for t in tr.turns)
    assert tr.turns[-1].end_s == pytest.approx(words, abs=0.1)  # back to back, 150 words a minute
    c = s.clocks()
    assert c.elapsed_s == 6 * 60 and c.spoken_s < 60  # both clocks, far apart when typing


def test_spoken_session_is_graded_on_measured_time(store):
    s = start(store, input_mode="spoken")
    say(s, 2, "I'll design for sellers whose payouts get redirected.")
    tr = s.transcript()
    assert tr.timing == "measured"
    assert tr.turns[1].start_s == 120


def test_pause_stops_the_clock(store):
    s = start(store)
    s.clock.advance(100)
    s.pause()
    s.clock.advance(1000)
    assert s.elapsed_s == pytest.approx(100)
    s.unpause()
    s.clock.advance(5)
    assert s.elapsed_s == pytest.approx(105)


def test_resume_continues_the_clock_and_keeps_the_draft(store):
    s = start(store)
    say(s, 2, "I'll design for sellers.")
    s.clock.advance(30)
    s.save_draft("Success is harmful takeovers per")
    s2 = PracticeSession.resume(store, s.id[:8], clock=ManualClock(start=999))
    assert s2.elapsed_s == pytest.approx(150)
    assert s2.draft == "Success is harmful takeovers per"
    assert [t.text for t in s2.turns] == [t.text for t in s.turns]
    s2.clock.advance(20)
    s2.send("Success is harmful takeovers per million accounts.")
    assert s2.turns[-2].wall_s == pytest.approx(170)
    assert s2.draft == ""


def test_end_sends_the_draft_grades_and_stores_the_report(store, validate_report):
    s = start(store)
    say(s, 1, "Who are we protecting, buyers or sellers?")
    s.save_draft("I'll design for sellers; the constraint is catching takeovers before any payout change.")
    report = s.end()
    assert s.turns[-2].text.startswith("I'll design for sellers") and s.turns[-2].meta["from_draft"]
    assert s.turns[-1].kind == "closing" and s.turns[-1].meta["at_time"] is False
    stored = store.latest_report(s.id)
    assert stored.verdict == report.verdict
    validate_report(report.to_json_dict())
    assert report.timing == "estimated" and report.prompt_id == ATO
    assert store.get_session(s.id).status == "ended"
    with pytest.raises(UserError):
        PracticeSession.resume(store, s.id)


def test_session_with_no_candidate_words_ends_without_a_report(store):
    s = start(store)
    assert s.end() is None
    assert store.latest_report(s.id) is None


@pytest.mark.parametrize("kw, message", [
    ({"minutes": 2}, "out of range"),
    ({"persona": "mean"}, "unknown persona"),
    ({"mode": "practice"}, "unknown mode"),
])
def test_bad_options_are_clear_errors(store, kw, message):
    with pytest.raises(UserError, match=message):
        start(store, **kw)


def test_empty_and_huge_turns_are_refused(store):
    s = start(store)
    with pytest.raises(UserError, match="empty"):
        s.send("   ")
    with pytest.raises(UserError, match="at most 20,000 characters"):
        s.send("x" * 20_001)
    assert [t.role for t in s.turns] == ["interviewer"]


def test_resume_with_nothing_unfinished_says_what_to_do(store):
    with pytest.raises(UserError, match="no unfinished session"):
        PracticeSession.resume(store)


# ------------------------------------------------------------------ the script format

def test_script_steps_and_drafts():
    drafts = []
    lines = ["# comment", "[01:30] First line", "second line", "---", "/wait 2m", "/time", "Last turn"]
    steps = list(read_steps(lines, on_partial=drafts.append))
    assert [(s.kind, s.text, s.at_s) for s in steps] == [
        ("send", "First line\nsecond line", 90), ("command", "/wait 2m", None), ("command", "/time", None),
        ("send", "Last turn", None)]
    assert drafts == ["First line", "First line\nsecond line", "Last turn"]


@pytest.mark.parametrize("lines, message", [
    (["/shout"], "line 1: unknown command '/shout'"),
    (["[01:75] hi"], "line 1: bad time stamp"),
])
def test_script_errors_name_the_line(lines, message):
    with pytest.raises(UserError) as e:
        list(read_steps(lines, source="s.txt"))
    assert message in e.value.message


def test_script_stamps_cannot_go_back(store):
    s = start(store)
    with pytest.raises(UserError, match=r"s.txt, line 3: the stamp \[01:00\] is earlier"):
        run_script(s, ["[05:00] one", "---", "[01:00] two"], source="s.txt", say=lambda _: None)
