"""The JSON API under /api: the same operations as the pages, for scripts and tools.

Routes call the library (sessions, store, grader) and shape JSON; they never run SQL.
Every error has one shape: {"error", "source", "line", "expected", "message"}.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from barraiser.interview.clock import mmss

router = APIRouter(prefix="/api", tags=["api"])


# ------------------------------------------------------------------ input schemas

class StartSession(BaseModel):
    prompt_id: str | None = Field(None, description="a prompt ID; default: a random prompt")
    minutes: float | None = Field(None, ge=5, le=120)
    persona: Literal["supportive", "neutral", "adversarial"] | None = None
    mode: Literal["exam", "coach"] | None = None
    seed: int | None = None


class PostTurn(BaseModel):
    text: str = Field(..., description="the candidate's turn")


class PutDraft(BaseModel):
    text: str = Field("", max_length=20_000)


# ------------------------------------------------------------------ dependencies

def get_app_state(request: Request):
    return request.app.state.barraiser


State = Annotated[object, Depends(get_app_state)]


# ------------------------------------------------------------------ output shapes

def turn_json(t) -> dict:
    return {"seq": t.seq, "role": t.role, "speaker": t.speaker, "kind": t.kind, "text": t.text,
            "wall_s": round(t.wall_s, 1), "start_s": t.start_s, "end_s": t.end_s}


def clocks_json(s) -> dict:
    c = s.clocks()
    return {"elapsed_s": round(c.elapsed_s, 1), "left_s": round(c.left_s, 1), "spoken_s": round(c.spoken_s, 1),
            "phase": c.phase.id, "phase_title": c.phase.title, "minutes": s.minutes, "status": s.status,
            "label": f"{mmss(c.left_s)} left"}


def live_json(s, *, with_turns: bool = True) -> dict:
    out = {"id": s.id, "prompt_id": s.prompt.id, "title": s.prompt.title, "prompt": s.prompt.prompt,
           "persona": s.record.persona, "mode": s.record.mode, "status": s.status, "draft": s.draft,
           "clocks": clocks_json(s),
           "phases": [{"id": b.id, "title": b.title, "start_s": b.start_s, "end_s": b.end_s} for b in s.budgets]}
    if with_turns:
        out["turns"] = [turn_json(t) for t in s.turns]
    return out


def stored_json(r) -> dict:
    return {"id": r.id, "kind": r.kind, "status": r.status, "prompt_id": r.prompt_id, "title": r.title,
            "created_at": r.created_at.isoformat(), "minutes": r.minutes, "elapsed_s": round(r.elapsed_s, 1),
            "persona": r.persona, "mode": r.mode, "verdict": r.verdict, "score": r.score,
            "report_url": f"/api/sessions/{r.id}/report" if r.verdict else None}


# ------------------------------------------------------------------ routes

@router.get("/prompts", summary="The prompt bank")
def list_prompts(state: State):
    from barraiser.content.packs import load_content

    return [{"id": p.id, "title": p.title, "summary": p.summary, "domain": p.domain, "level": p.level,
             "tags": p.tags} for p in sorted(load_content().prompts.values(), key=lambda p: p.title)]


@router.post("/sessions", status_code=201, summary="Start a practice session")
def start_session(body: StartSession, state: State):
    s = state.live.start(prompt_id=body.prompt_id, **state.defaults(body.minutes, body.persona, body.mode),
                         seed=body.seed)
    return live_json(s)


@router.get("/sessions", summary="History: sessions and graded uploads, newest first")
def list_sessions(state: State, limit: int = 50):
    return [stored_json(r) for r in state.store.list_sessions(limit=max(1, min(limit, 500)))]


@router.get("/sessions/{session_id}", summary="One session with its turns")
def get_session(session_id: str, state: State):
    r = state.store.get_session(session_id)
    if r.kind == "practice" and r.status != "ended":
        with state.live.use(r.id) as s:
            return live_json(s)
    out = stored_json(r)
    out["turns"] = [turn_json(t) for t in r.turns]
    return out


@router.post("/sessions/{session_id}/turns", summary="Send the candidate's turn (and, by default, wait for the reply)")
async def post_turn(session_id: str, body: PostTurn, state: State, wait: bool = True):
    """The turn is committed before anything else happens. With `wait=false` the
    response comes as soon as it is stored (202), and `reply_url` gives the
    interviewer's reply when it is ready."""
    with state.live.sending():
        sid, turn = await run_in_threadpool(state.live.post_turn, session_id, body.text)
    if not wait:
        return JSONResponse({"turn": turn_json(turn), "reply_url": f"/api/sessions/{sid}/reply?after={turn.seq}"},
                            status_code=202)
    return await _reply(state, sid, turn.seq, 120.0, turn)


@router.get("/sessions/{session_id}/reply", summary="The interviewer's reply to the turn numbered `after`")
async def get_reply(session_id: str, after: int, state: State, timeout: float = 30.0):
    """Waits up to `timeout` seconds (at most 60); 202 with `pending` if not ready yet."""
    sid = state.live.live_id(session_id) or \
        (await run_in_threadpool(state.store.get_session, session_id, with_turns=False)).id  # 404
    return await _reply(state, sid, after, max(0.0, min(timeout, 60.0)), None)


async def _reply(state, sid: str, after: int, timeout: float, turn):
    # Waiting costs no thread: the workers mark a session answered in memory.
    state.live.ensure_answering(sid, after)
    deadline = asyncio.get_running_loop().time() + timeout
    while not state.live.reply_ready(sid, after):
        if asyncio.get_running_loop().time() >= deadline:
            return JSONResponse({"pending": True, "reply_url": f"/api/sessions/{sid}/reply?after={after}"},
                                status_code=202)
        await asyncio.sleep(0.02)
    return await run_in_threadpool(_reply_json, state, sid, after, turn)


def _reply_json(state, sid: str, after: int, turn) -> dict:
    # a live session's turns and clocks are in memory
    out = state.live.peek(sid, lambda s: {"replies": [t for t in s.turns if t.seq > after], "ended": False,
                                          "report_url": None, "clocks": clocks_json(s)})
    if out is None:  # ended (or not live in this process): read the store
        turns = state.live.turns_after(sid, after)
        record = state.store.get_session(sid, with_turns=False)
        out = {"replies": turns, "ended": record.status == "ended",
               "report_url": f"/api/sessions/{sid}/report" if record.status == "ended" and record.verdict else None}
        if record.status != "ended":
            with state.live.use(sid) as s:
                out["clocks"] = clocks_json(s)
    out["replies"] = [turn_json(t) for t in out["replies"] if t.role != "candidate"]
    if turn is not None:
        out["turn"] = turn_json(turn)
    return out


@router.put("/sessions/{session_id}/draft", summary="Save the unsent draft (and the clock)")
def put_draft(session_id: str, body: PutDraft, state: State):
    with state.live.use(session_id) as s:
        s.save_draft(body.text)
        return {"saved": True, "clocks": clocks_json(s)}


@router.post("/sessions/{session_id}/pause", summary="Pause the clock")
def pause(session_id: str, state: State):
    with state.live.use(session_id) as s:
        s.pause()
        return {"clocks": clocks_json(s)}


@router.post("/sessions/{session_id}/resume", summary="Restart the clock after a pause")
def resume(session_id: str, state: State):
    with state.live.use(session_id) as s:
        s.unpause()
        return {"clocks": clocks_json(s)}


@router.post("/sessions/{session_id}/end", summary="End the interview and grade it")
def end(session_id: str, state: State):
    with state.live.use(session_id) as s:
        report = s.end("ended by the candidate")
        return {"ended": True, "report_url": f"/api/sessions/{s.id}/report" if report else None}


@router.get("/sessions/{session_id}/report", summary="The debrief, schema barraiser.report/1")
def get_report(session_id: str, state: State):
    from barraiser.errors import NotFound

    stored = state.store.latest_report(session_id)
    if stored is None:
        raise NotFound(f"session {session_id!r} has no debrief yet", expected="a finished session")
    data = dict(stored.report)
    data.pop("transcript", None)
    return JSONResponse(data)


@router.post("/grade", status_code=201, summary="Grade an uploaded or pasted transcript")
def grade_upload(state: State, file: UploadFile | None = File(None), text: str | None = Form(None),
                 candidate: str | None = Form(None), prompt_id: str | None = Form(None)):
    """Send a transcript file (VTT, SRT, Markdown, text, a CSV/TSV table or JSON) or pasted `text`.
    Without `candidate`, a speaker named Candidate is graded, else the one with the most
    words who is not named Interviewer (or host, moderator); the response
    lists every speaker with their word count so a client can ask again."""
    stored, report, transcript = state.grade(file, text, candidate, prompt_id or None)
    data = report.to_json_dict()
    return {"session_id": stored.id, "speakers": transcript.speakers, "candidate": transcript.candidate,
            "report": data}
