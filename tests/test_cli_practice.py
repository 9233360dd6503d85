"""`practice`, `history`, `show`, `export`, `progress` through `main([...])`, the terminal
room driven by keystrokes, and a session process killed mid-answer and resumed."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from barraiser.cli.main import main
from barraiser.store import Store

DATA = Path(__file__).with_name("data")
ATO = "account-takeover-detection"


def run(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def only_session():
    store = Store.open()
    rows = store.list_sessions()
    assert len(rows) == 1
    return store, store.get_session(rows[0].id)


@pytest.fixture
def finished(capsys):
    """One scripted weak session, finished and graded."""
    code, out, err = run(capsys, "practice", "--prompt", ATO, "--seed", "3", "--script",
                         str(DATA / "weak-session.txt"))
    assert code == 0, err
    store, s = only_session()
    return s, out


def test_scripted_practice_prints_the_interview_and_the_debrief(finished):
    s, out = finished
    assert out.startswith(f"Session {s.id[:8]} · Account takeover detection")
    assert "Interviewer: Thanks for making the time." in out
    assert "Keystroke dynamics, mouse movements" in out        # the case file's pushback
    assert "What's the one thing you will not give up?" in out
    assert "NO HIRE" in out or "STRONG NO HIRE" in out        # the debrief
    assert f"barraiser show {s.id[:8]}" in out
    assert s.status == "ended" and s.end_reason == "time"


def test_practice_from_standard_input(capsys, monkeypatch):
    script = "[00:30] Who are we protecting, buyers or sellers?\n---\n/end\n"
    code, out, err = run(capsys, "practice", "--prompt", ATO, "--seed", "1", stdin=script,
                         monkeypatch=monkeypatch)
    assert code == 0, err
    assert "2 million active sellers" in out
    _, s = only_session()
    assert [t.role for t in s.turns] == ["interviewer", "candidate", "interviewer", "interviewer"]
    assert s.turns[-1].kind == "closing"


def test_script_ending_with_pause_leaves_the_session_open(capsys, tmp_path):
    script = tmp_path / "part.txt"
    script.write_text("[00:30] Who are the users?\n---\n/pause\n")
    code, out, err = run(capsys, "practice", "--prompt", ATO, "--script", str(script))
    assert code == 0, err
    assert "Paused at 00:30. Continue with: barraiser practice --resume" in out
    _, s = only_session()
    assert s.status == "paused"


def test_history_show_export(finished, capsys, tmp_path, validate_report):
    s, _ = finished
    code, out, _ = run(capsys, "history")
    assert code == 0 and s.id[:8] in out and "Account" in out and "takeover" in out and "ended" in out
    code, out, _ = run(capsys, "history", "--json")
    rows = json.loads(out)
    assert rows[0]["id"] == s.id and rows[0]["verdict"] in ("no_hire", "strong_no_hire")

    code, out, _ = run(capsys, "show", s.id[:8])
    assert code == 0
    assert "[04:30] (" in out and "We should gather everything we can" in out  # both clocks
    assert "Times: [interview clock] (spoken-equivalent)" in out
    assert "Dimensions" in out

    code, out, _ = run(capsys, "export", s.id[:8], "--format", "json")
    data = json.loads(out)
    validate_report(data)
    assert data["timing"] == "estimated" and data["prompt_id"] == ATO
    html = tmp_path / "debrief.html"
    code, _, err = run(capsys, "export", s.id[:8], "-o", str(html))
    assert code == 0 and "Wrote html" in err and html.read_text().lower().startswith("<!doctype html>")
    code, out, _ = run(capsys, "export", s.id[:8], "--format", "md")
    assert out.startswith("# ")
    code, out, _ = run(capsys, "export", s.id[:8], "--format", "transcript")
    tr = json.loads(out)
    assert tr["schema"] == "barraiser.transcript/1" and tr["turns"][0]["speaker"] == "Interviewer"


def test_exported_transcript_grades_like_the_session(finished, capsys, tmp_path):
    """A session produces the same Transcript a file does: export it, grade the file."""
    s, _ = finished
    path = tmp_path / "session.json"
    run(capsys, "export", s.id[:8], "--format", "transcript", "-o", str(path))
    code, out, _ = run(capsys, "grade", str(path), "--prompt", ATO, "--format", "json")
    stored = Store.open().latest_report(s.id).report
    assert json.loads(out)["verdict"] == stored["verdict"]


def test_progress_table_sparkline_and_chart(finished, capsys, tmp_path):
    chart = tmp_path / "progress.svg"
    code, out, err = run(capsys, "progress", "--chart", str(chart))
    assert code == 0, err
    assert "Constraint articulation" in out and "Most often missed or late" in out
    assert any(c in out for c in "▁▂▃▄▅▆▇█")
    svg = chart.read_text()
    assert svg.startswith("<svg") and "<title" in svg
    for title in ("Constraint articulation", "First-principles framing", "Solution scope", "Trade-off fluency",
                  "Failure handling", "Structure and time"):
        assert f">{title}</text>" in svg


def test_graded_upload_can_be_kept_in_history(capsys):
    recording = Path(__file__).resolve().parents[1] / "examples" / "mock-interview.vtt"
    code, _, err = run(capsys, "grade", str(recording), "--save", "--format", "json")
    assert code == 0 and "Saved as session" in err
    _, s = only_session()
    assert s.kind == "upload" and s.source_name == "mock-interview.vtt" and s.candidate
    code, out, _ = run(capsys, "show", s.id[:8])
    assert f"Graded from mock-interview.vtt · candidate {s.candidate}" in out
    assert f"] {s.candidate}: " in out and "Dimensions" in out
    code, out, _ = run(capsys, "progress")
    assert "over 1 graded session " in out


def test_progress_with_nothing_yet(capsys):
    code, out, _ = run(capsys, "progress")
    assert code == 0 and "No graded sessions yet" in out


@pytest.mark.parametrize("argv, message", [
    (["show", "deadbeef"], "Error: no session 'deadbeef' (expected an ID from `barraiser history`)"),
    (["export", "deadbeef", "--format", "json"], "Error: no session 'deadbeef'"),
    (["practice", "--resume", "--script", "-"], "Error: there is no unfinished session to resume"),
    (["practice", "--minutes", "2", "--script", "-"], "Error: --minutes 2 is out of range"),
    (["practice", "--prompt", "no-such-prompt", "--script", "-"], "Error: no prompt with ID 'no-such-prompt'"),
    (["practice", "--spoken"], "Error: --spoken needs --script"),
    (["progress", "--chart", "chart.png"], "the chart is written as SVG"),
    (["practice", "--script", "/no/such/script.txt", "--prompt", ATO], "/no/such/script.txt: no such file"),
])
def test_errors_are_one_line_with_exit_2(capsys, argv, message, monkeypatch):
    if "--spoken" in argv:
        monkeypatch.setattr(sys, "stdin", _Tty())
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_bad_script_line_keeps_the_session(capsys, tmp_path):
    script = tmp_path / "bad.txt"
    script.write_text("[01:00] Who are the users?\n---\n/dance\n")
    code, _, err = run(capsys, "practice", "--prompt", ATO, "--script", str(script))
    assert code == 2
    assert f"{script}, line 3: unknown command '/dance'" in err
    assert "is kept" in err and "--resume" in err
    _, s = only_session()
    assert s.status == "paused" and [t.role for t in s.turns][:2] == ["interviewer", "candidate"]


def test_unfinished_export_says_how_to_finish(capsys, tmp_path):
    script = tmp_path / "part.txt"
    script.write_text("[00:30] Who are the users?\n---\n/pause\n")
    run(capsys, "practice", "--prompt", ATO, "--script", str(script))
    _, s = only_session()
    code, _, err = run(capsys, "export", s.id[:8], "--format", "html")
    assert code == 2 and "has no debrief yet" in err and f"--resume {s.id[:8]}" in err
    code, out, _ = run(capsys, "show", s.id[:8])
    assert f"Continue with: barraiser practice --resume {s.id[:8]}" in out


# ------------------------------------------------------------------ killed mid-answer, resumed

def _wait(predicate, what: str, seconds: float = 120):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_kill_9_mid_answer_loses_nothing_and_resume_continues(capsys, tmp_path, validate_report):
    proc = subprocess.Popen([sys.executable, "-m", "barraiser", "practice", "--prompt", ATO, "--seed", "5",
                             "--script", "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    store = Store.open()

    def session():
        rows = store.list_sessions()
        return store.get_session(rows[0].id) if rows else None

    try:
        proc.stdin.write("[00:40] Which accounts are we protecting, buyers or sellers?\n---\n")
        proc.stdin.flush()
        _wait(lambda: (s := session()) and len(s.turns) >= 3, "the first reply")
        proc.stdin.write("[02:00] I'll design for sellers, because a redirected payout\n---\n")
        proc.stdin.flush()
        _wait(lambda: len(session().turns) >= 5, "the second reply")
        # half of the third answer: typed, not sent
        proc.stdin.write("[03:10] The constraint I won't give up is catching a takeover\n")
        proc.stdin.write("before the first payout change,\n")
        proc.stdin.flush()
        _wait(lambda: session().draft.endswith("first payout change,"), "the draft to be saved")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    before = session()
    assert [t.role for t in before.turns] == ["interviewer", "candidate", "interviewer", "candidate", "interviewer"]
    assert before.turns[1].text == "Which accounts are we protecting, buyers or sellers?"
    assert before.draft == ("The constraint I won't give up is catching a takeover\n"
                            "before the first payout change,")
    assert before.status == "active" and before.elapsed_s == pytest.approx(120)

    rest = tmp_path / "rest.txt"
    rest.write_text("[03:30] The constraint I won't give up is catching a takeover before the first payout "
                    "change, so we accept a one-day hold on some legitimate payout changes.\n---\n"
                    "[06:00] When the risk is high we ask for approval on a known device instead of "
                    "blocking.\n---\n/end\n")
    code, out, err = run(capsys, "practice", "--resume", before.id[:8], "--script", str(rest))
    assert code == 0, err
    assert "Resumed at 02:00 with 5 turns kept." in out
    assert "your unsent draft was kept" in out
    after = session()
    assert [t.text for t in after.turns[:5]] == [t.text for t in before.turns]  # every turn intact
    assert after.turns[5].wall_s == 210 and after.turns[5].wall_s > before.turns[-1].wall_s
    assert after.status == "ended" and after.draft == ""
    validate_report(store.latest_report(after.id).report)


# ------------------------------------------------------------------ the terminal room, by keystroke

def _room(session, keys: str):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from barraiser.cli.room import Room

    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        room = Room(session, console=Console(file=out, width=120), pt_input=pipe, pt_output=DummyOutput())
        report = room.run()
    return report, out.getvalue()


def test_room_sends_on_an_empty_line_and_ends_with_a_debrief(tmp_path):
    from barraiser.interview.session import PracticeSession

    store = Store.open(f"sqlite:///{tmp_path / 'room.db'}")
    s = PracticeSession.start(store, ATO, seed=2)
    keys = ("Which accounts are we protecting,\rbuyers or sellers?\r\r"
            "/time\r"
            "I'll design for sellers.\r\r"
            "/end\r")
    report, out = _room(s, keys)
    cand = [t.text for t in s.turns if t.role == "candidate"]
    assert cand == ["Which accounts are we protecting,\nbuyers or sellers?", "I'll design for sellers."]
    assert "2 million active sellers" in out
    assert "left ·" in out and "spoken-equivalent" in out   # /time
    assert report is not None and store.latest_report(s.id).verdict == report.verdict


def test_room_ctrl_c_keeps_the_draft_and_pauses(tmp_path):
    from barraiser.interview.session import PracticeSession

    store = Store.open(f"sqlite:///{tmp_path / 'room.db'}")
    s = PracticeSession.start(store, ATO, seed=2)
    report, out = _room(s, "Half an answer about sellers\x03")
    assert report is None
    got = store.get_session(s.id)
    assert got.draft == "Half an answer about sellers" and got.status == "paused"
    assert "everything is saved" in out and f"--resume {s.id[:8]}" in out
    # and the draft comes back in the answer box when the room reopens
    s2 = PracticeSession.resume(store, s.id)
    report, out = _room(s2, "\r\r/end\r")  # Enter twice sends the restored draft
    assert [t.text for t in s2.turns if t.role == "candidate"] == ["Half an answer about sellers"]
