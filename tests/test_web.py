"""Every page and API route through the app factory, the error cases included."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from barraiser.interview.clock import ManualClock
from barraiser.store import Store
from barraiser.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ROOT.parent / "shared" / "formats"
ATO = "account-takeover-detection"


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'web.db'}")
    yield s
    s.close()


@pytest.fixture
def client(store, clock):
    app = create_app(store=store, clock_factory=lambda: clock)
    with TestClient(app) as c:
        yield c


def start(client, **body) -> dict:
    body.setdefault("prompt_id", ATO)
    body.setdefault("seed", 3)
    r = client.post("/api/sessions", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def assert_error(r, status: int, fragment: str) -> None:
    assert r.status_code == status, r.text
    data = r.json()
    assert set(data) == {"error", "source", "line", "expected", "message"}
    assert fragment in data["message"]


# ------------------------------------------------------------------ the API

def test_api_session_lifecycle(client, clock, validate_report):
    s = start(client)
    assert s["turns"][0]["kind"] == "opening" and s["clocks"]["left_s"] == 2700
    clock.advance(40)
    r = client.post(f"/api/sessions/{s['id']}/turns", json={"text": "Which accounts are we protecting, buyers or sellers?"})
    assert r.status_code == 200
    reply = r.json()
    assert reply["replies"][0]["kind"] == "reveal" and "2 million active sellers" in reply["replies"][0]["text"]
    assert reply["clocks"]["elapsed_s"] == 40 and reply["ended"] is False

    assert client.put(f"/api/sessions/{s['id']}/draft", json={"text": "I'll design for sel"}).json()["saved"]
    got = client.get(f"/api/sessions/{s['id']}").json()
    assert got["draft"] == "I'll design for sel" and len(got["turns"]) == 3

    assert client.post(f"/api/sessions/{s['id']}/pause").json()["clocks"]["status"] == "paused"
    clock.advance(500)
    assert client.post(f"/api/sessions/{s['id']}/resume").json()["clocks"]["elapsed_s"] == 40

    end = client.post(f"/api/sessions/{s['id']}/end").json()
    assert end["ended"] and end["report_url"] == f"/api/sessions/{s['id']}/report"
    report = client.get(end["report_url"]).json()
    validate_report(report)
    assert report["timing"] == "estimated"
    history = client.get("/api/sessions").json()
    assert history[0]["id"] == s["id"] and history[0]["verdict"] == report["verdict"]


def test_api_turn_is_acknowledged_first_and_the_reply_fetched_after(client, clock, store):
    s = start(client)
    clock.advance(30)
    r = client.post(f"/api/sessions/{s['id']}/turns?wait=false", json={"text": "How many logins a day?"})
    assert r.status_code == 202
    ack = r.json()
    assert ack["turn"]["role"] == "candidate" and ack["reply_url"].endswith(f"after={ack['turn']['seq']}")
    # stored before any reply exists
    assert any(t.text == "How many logins a day?" for t in store.turns(s["id"]))
    reply = client.get(ack["reply_url"]).json()
    assert reply["replies"][0]["role"] == "interviewer" and "30 million logins a day" in reply["replies"][0]["text"]


def test_replies_hold_back_while_a_turn_is_being_sent(store, clock, monkeypatch):
    # The reply workers wait for the sends in flight (up to YIELD_MAX_S), so that a
    # burst of candidates is acknowledged before detection takes the CPU.
    from barraiser.web import live as live_module

    monkeypatch.setattr(live_module, "YIELD_MAX_S", 30.0)  # longer than any reply takes
    live = live_module.LiveSessions(store, clock_factory=lambda: clock)
    try:
        a = live.start(prompt_id=ATO, seed=1)
        _, turn = live.post_turn(a.id, "Which accounts are we protecting?")
        with live.sending():  # another candidate's turn is on its way in
            time.sleep(1.0)
            assert not live.reply_ready(a.id, turn.seq)
        deadline = time.monotonic() + 60
        while not live.reply_ready(a.id, turn.seq) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert live.reply_ready(a.id, turn.seq)
        assert [t.role for t in live.turns_after(a.id, turn.seq)] == ["interviewer"]
    finally:
        live.close()


def test_api_time_up_closes_and_grades(client, clock):
    s = start(client, minutes=5)
    clock.advance(301)
    d = client.post(f"/api/sessions/{s['id']}/turns", json={"text": "I'll design for sellers."}).json()
    assert d["ended"] and d["replies"][-1]["kind"] == "closing" and d["report_url"]


def test_api_prompts_and_openapi(client):
    prompts = client.get("/api/prompts").json()
    assert len(prompts) >= 40 and {"id", "title", "summary", "domain", "level", "tags"} <= set(prompts[0])
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/sessions", "/api/sessions/{session_id}/turns", "/api/sessions/{session_id}/report",
                 "/api/grade", "/api/prompts", "/api/sessions/{session_id}/end"):
        assert path in spec["paths"]


def test_api_grade_an_upload(client, validate_report):
    with open(FORMATS / "teams.vtt", "rb") as fh:
        r = client.post("/api/grade", files={"file": ("teams.vtt", fh, "text/vtt")})
    assert r.status_code == 201, r.text
    data = r.json()
    validate_report(data["report"])
    assert data["candidate"] in data["speakers"] and len(data["speakers"]) >= 2
    assert client.get(f"/api/sessions/{data['session_id']}/report").status_code == 200


@pytest.mark.parametrize("call, status, fragment", [
    (lambda c: c.get("/api/sessions/deadbeef"), 404, "no session 'deadbeef'"),
    (lambda c: c.post("/api/sessions/deadbeef/turns", json={"text": "hi"}), 404, "no session"),
    (lambda c: c.get("/api/sessions/deadbeef/report"), 404, "no session"),
    (lambda c: c.post("/api/sessions", json={"prompt_id": "nope"}), 404, "no prompt with ID 'nope'"),
    (lambda c: c.post("/api/sessions", json={"minutes": 2}), 422, "minutes"),
    (lambda c: c.post("/api/sessions", json={"persona": "rude"}), 422, "persona"),
    (lambda c: c.post("/api/grade", data={"text": ""}), 400, "no transcript given"),
    (lambda c: c.post("/api/grade", files={"file": ("x.vtt", b"WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nA: hi\n",
                                                     "text/vtt")}), 400, "x.vtt, line 3"),
    (lambda c: c.post("/api/grade", files={"file": ("big.txt", b"word " * (1024 * 1024 + 10), "text/plain")}),
     413, "larger than 5 MB"),
    (lambda c: c.post("/api/grade", files={"file": ("t.vtt", (FORMATS / "teams.vtt").read_bytes(), "text/vtt")},
                      data={"candidate": "Nobody Here"}), 400, "Nobody Here"),
    (lambda c: c.get("/api/nothing-here"), 404, "no such page"),
])
def test_api_errors_have_one_shape(client, call, status, fragment):
    assert_error(call(client), status, fragment)


def test_api_empty_turn_is_refused_and_nothing_is_stored(client, store):
    s = start(client)
    assert_error(client.post(f"/api/sessions/{s['id']}/turns", json={"text": "  "}), 400, "the answer is empty")
    assert store.count_turns(s["id"]) == 1


def test_ended_session_refuses_turns(client):
    s = start(client)
    client.post(f"/api/sessions/{s['id']}/end")
    assert_error(client.post(f"/api/sessions/{s['id']}/turns", json={"text": "more"}), 400, "has ended")


# ------------------------------------------------------------------ pages

def test_every_page_renders(client):
    for path in ("/", "/prompts", "/prompts?domain=voice&level=pm", "/grade", "/history", "/progress", "/settings"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "<main id=\"main\"" in r.text and "Skip to content" in r.text


def test_prompt_filters(client):
    r = client.get("/prompts?domain=voice")
    assert "Elderly" in r.text or "elderly" in r.text
    assert "Card fraud" not in r.text
    assert "No prompt matches" in client.get("/prompts?q=zzzz").text


def test_practice_through_forms_without_javascript(client, clock, store):
    r = client.post("/practice", data={"prompt_id": ATO, "minutes": "30", "persona": "neutral", "mode": "exam"},
                    follow_redirects=False)
    assert r.status_code == 303
    room_url = r.headers["location"]
    room = client.get(room_url)
    assert room.status_code == 200 and "Your answer" in room.text and "Problem framing" in room.text
    clock.advance(30)
    r = client.post(room_url + "/turns", data={"text": "Which accounts are we protecting, buyers or sellers?"},
                    follow_redirects=True)
    assert "2 million active sellers" in r.text
    r = client.post(room_url + "/end", data={"text": "I'll design for sellers."}, follow_redirects=True)
    assert r.status_code == 200 and "Download" in r.text and "Dimensions" in r.text
    sid = room_url.rsplit("/", 1)[-1]
    for fmt, marker in (("md", "# "), ("html", "<!doctype html>"), ("json", '"schema": "barraiser.report/1"')):
        d = client.get(f"/sessions/{sid}/debrief.{fmt}")
        assert d.status_code == 200 and marker in d.text[:400].lower().replace("doctype", "doctype")
        assert "attachment" in d.headers["content-disposition"]
    # the last answer was kept: it came from the box when the candidate ended
    assert [t.text for t in store.turns(sid) if t.role == "candidate"][-1] == "I'll design for sellers."


def test_draft_from_a_closing_tab_is_kept(client, store):
    s = start(client)
    assert client.post(f"/sessions/{s['id']}/draft", data={"text": "half an answ"}).status_code == 204
    assert store.get_session(s["id"]).draft == "half an answ"
    assert "half an answ" in client.get(f"/sessions/{s['id']}").text  # back in the box


def test_server_restart_resumes_with_everything(store, tmp_path):
    clock = ManualClock()
    with TestClient(create_app(store=store, clock_factory=lambda: clock)) as c:
        s = start(c)
        clock.advance(50)
        c.post(f"/api/sessions/{s['id']}/turns", json={"text": "Who are the users?"})
        c.put(f"/api/sessions/{s['id']}/draft", json={"text": "Sellers, because"})
    # a new app on the same database: another process after a restart
    with TestClient(create_app(database_url=str(store.engine.url), clock_factory=lambda: ManualClock())) as c:
        got = c.get(f"/api/sessions/{s['id']}").json()
        assert [t["role"] for t in got["turns"]] == ["interviewer", "candidate", "interviewer"]
        assert got["draft"] == "Sellers, because" and got["clocks"]["elapsed_s"] == 50


def test_grade_page_asks_whose_words_then_grades(client):
    data = (FORMATS / "teams.vtt").read_bytes()
    r = client.post("/grade", files={"file": ("teams.vtt", data, "text/vtt")}, data={"prompt_id": ""})
    assert r.status_code == 200 and "Whose words should be graded?" in r.text and "words)" in r.text
    assert 'name="filename" value="teams.vtt"' in r.text
    from barraiser.transcript.readers import read_text

    speakers = read_text(data, name="teams.vtt").speakers
    chosen = min(speakers, key=speakers.get)  # not the default: the user picks
    text = data.decode("utf-8-sig")
    r = client.post("/grade", data={"text": text, "candidate": chosen, "filename": "teams.vtt"},
                    follow_redirects=True)
    assert r.status_code == 200 and "Dimensions" in r.text
    assert "teams.vtt" in r.text


def test_grade_page_asks_whose_words_in_a_pasted_conversation(client):
    text = ("Interviewer: Who would you build this for?\n"
            "Dev: New sellers in their first month, because they list badly and churn.\n"
            "Interviewer: And how would you know it worked?\n"
            "Dev: Seven-day repeat listings by new sellers.\n")
    r = client.post("/grade", data={"text": text, "prompt_id": ""})
    assert r.status_code == 200 and "Whose words should be graded?" in r.text
    assert 'value="Dev"' in r.text and 'value="Interviewer"' in r.text
    r = client.post("/grade", data={"text": text, "candidate": "Dev"}, follow_redirects=True)
    assert r.status_code == 200 and "Dimensions" in r.text and "estimated" in r.text


def test_grade_page_reads_a_transcript_table(client):
    data = (ROOT / "examples" / "table-transcript.csv").read_bytes()
    r = client.post("/grade", files={"file": ("mock.csv", data, "text/csv")}, data={"prompt_id": ""})
    assert r.status_code == 200 and "Whose words should be graded?" in r.text
    assert 'value="Lena Fischer"' in r.text and 'value="Interviewer"' in r.text
    r = client.post("/grade", data={"text": data.decode(), "candidate": "Lena Fischer", "filename": "mock.csv"},
                    follow_redirects=True)
    assert r.status_code == 200 and "Dimensions" in r.text and "measured" in r.text
    r = client.post("/grade", files={"file": ("prices.csv", b"option,cost\nrules,low\nmodel,high\n", "text/csv")})
    assert r.status_code == 400 and "header names no speaker and text columns" in r.text


def test_grade_page_shows_the_readers_message(client):
    r = client.post("/grade", files={"file": ("bad.srt", b"1\n00:00:09,000 --> 00:00:01,000\nA: hi\n", "text/plain")})
    assert r.status_code == 400
    assert "bad.srt, line 2" in r.text and "role=\"alert\"" in r.text


def test_script_in_a_transcript_stays_inert(client):
    evil = ("[00:00] Interviewer: Go ahead.\n"
            "[00:05] Candidate: <script>alert('x')</script> I'll design for sellers <img src=x onerror=alert(1)>.\n")
    r = client.post("/grade", data={"text": evil, "candidate": "Candidate"}, follow_redirects=True)
    assert r.status_code == 200
    assert "<script>alert('x')</script>" not in r.text and "&lt;script&gt;" in r.text
    assert "<img src=x" not in r.text


def test_unknown_pages_and_sessions_are_404_pages(client):
    r = client.get("/sessions/deadbeef")
    assert r.status_code == 404 and "no session" in r.text and "<main" in r.text
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/sessions/deadbeef/debrief.pdf").status_code == 404


def test_settings_are_saved_and_used(client, store):
    r = client.post("/settings", data={"minutes": "30", "persona": "adversarial", "mode": "coach"},
                    follow_redirects=True)
    assert "Saved." in r.text
    s = start(client)
    assert s["persona"] == "adversarial" and s["mode"] == "coach" and s["clocks"]["minutes"] == 30
    r = client.post("/settings", data={"minutes": "2", "persona": "neutral", "mode": "exam"})
    assert r.status_code == 400 and "out of range" in r.text


def test_history_and_progress_show_results(client, clock):
    s = start(client)
    clock.advance(60)
    client.post(f"/api/sessions/{s['id']}/turns", json={"text": "I'll design for sellers whose payouts are redirected."})
    client.post(f"/api/sessions/{s['id']}/end")
    h = client.get("/history").text
    assert "Account takeover" in h and f"/sessions/{s['id']}/debrief" in h
    p = client.get("/progress").text
    assert "<svg" in p and "Most often missed or late" in p and "Verdicts over time" in p
    home = client.get("/").text
    assert "Recent results" in home and f"/sessions/{s['id']}/debrief" in home


def test_home_offers_to_continue_an_unfinished_session(client):
    s = start(client)
    assert f'href="/sessions/{s["id"]}"' in client.get("/").text
