"""The pages: server-rendered with Jinja2 (autoescaped); small scripts only enhance them.

Every form works without JavaScript (post, then redirect); with it, the interview room
sends turns and saves the draft in the background.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from barraiser.errors import UserError
from barraiser.interview.clock import mmss

router = APIRouter(include_in_schema=False)

PERSONAS = ("supportive", "neutral", "adversarial")
MODES = ("exam", "coach")
LENGTHS = (20, 30, 45, 60)
VERDICT_WORDS = {"strong_hire": "Strong hire", "hire": "Hire", "no_hire": "No hire",
                 "strong_no_hire": "Strong no hire", None: "Not graded"}


def state(request: Request):
    return request.app.state.barraiser


State = Annotated[object, Depends(state)]


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    context.setdefault("verdict_words", VERDICT_WORDS)
    context.setdefault("mmss", mmss)
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ------------------------------------------------------------------ home and prompts

@router.get("/", response_class=HTMLResponse)
def home(request: Request, st: State):
    from barraiser.content.packs import load_content

    unfinished = st.store.unfinished()
    recent = [r for r in st.store.list_sessions(limit=6) if r.verdict]
    prompts = load_content().prompts
    return page(request, "home.html", unfinished=unfinished, recent=recent, prompt_count=len(prompts),
                defaults=st.defaults())


@router.get("/prompts", response_class=HTMLResponse)
def prompts(request: Request, domain: str = "", level: str = "", tag: str = "", q: str = ""):
    from barraiser.content.models import DOMAINS, LEVELS
    from barraiser.content.packs import load_content

    everything = sorted(load_content().prompts.values(), key=lambda p: (p.domain, p.title))
    tags = sorted({t for p in everything for t in p.tags})
    shown = [p for p in everything
             if (not domain or p.domain == domain) and (not level or p.level == level)
             and (not tag or tag in p.tags)
             and (not q or q.lower() in (p.title + " " + p.summary).lower())]
    return page(request, "prompts.html", prompts=shown, total=len(everything), domains=DOMAINS, levels=LEVELS,
                tags=tags, chosen={"domain": domain, "level": level, "tag": tag, "q": q},
                personas=PERSONAS, modes=MODES, lengths=LENGTHS, defaults=state(request).defaults())


@router.post("/practice")
def start_practice(st: State, prompt_id: str = Form(""), minutes: float = Form(45), persona: str = Form("neutral"),
                   mode: str = Form("exam")):
    s = st.live.start(prompt_id=prompt_id or None, minutes=minutes, persona=persona, mode=mode)
    return see_other(f"/sessions/{s.id}")


# ------------------------------------------------------------------ the room and the debrief

@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session_page(request: Request, session_id: str, st: State):
    record = st.store.get_session(session_id, with_turns=False)
    if record.kind == "practice" and record.status != "ended":
        with st.live.use(record.id) as s:
            return page(request, "room.html", s=s, clocks=s.clocks(), turns=s.turns)
    return see_other(f"/sessions/{record.id}/debrief")


@router.post("/sessions/{session_id}/turns")
def post_turn_form(session_id: str, st: State, text: str = Form("")):
    with st.live.use(session_id) as s:
        s.send(text)
        if s.time_up or s.turns[-1].kind == "closing":
            s.end("time")
            return see_other(f"/sessions/{s.id}/debrief")
        return see_other(f"/sessions/{s.id}#answer")


@router.post("/sessions/{session_id}/draft", status_code=204)
def draft_form(session_id: str, st: State, text: str = Form("")):
    """The draft from a closing tab (sent with navigator.sendBeacon as a form post)."""
    with st.live.use(session_id) as s:
        s.save_draft(text)
    return Response(status_code=204)


@router.post("/sessions/{session_id}/pause")
def pause_form(session_id: str, st: State):
    with st.live.use(session_id) as s:
        if s.status == "active":
            s.pause()
        else:
            s.unpause()
        return see_other(f"/sessions/{s.id}")


@router.post("/sessions/{session_id}/end")
def end_form(session_id: str, st: State, text: str = Form("")):
    with st.live.use(session_id) as s:
        if text.strip():
            s.save_draft(text)
        s.end("ended by the candidate")
        return see_other(f"/sessions/{s.id}/debrief")


@router.get("/sessions/{session_id}/debrief", response_class=HTMLResponse)
def debrief(request: Request, session_id: str, st: State):
    from barraiser.grading.report import Report
    from barraiser.render.html import render_html

    record = st.store.get_session(session_id)
    stored = st.store.latest_report(record.id)
    if stored is None:
        if record.status != "ended":
            return see_other(f"/sessions/{record.id}")
        return page(request, "debrief.html", record=record, body=None)
    body = render_html(Report.model_validate(stored.report), standalone=False)
    return page(request, "debrief.html", record=record, body=body, stored=stored)


@router.get("/sessions/{session_id}/debrief.{fmt}")
def download(session_id: str, fmt: str, st: State):
    from barraiser.grading.report import Report
    from barraiser.render import render

    kinds = {"md": ("markdown", "text/markdown"), "html": ("html", "text/html"),
             "json": ("json", "application/json")}
    if fmt not in kinds:
        raise UserError(f"no download as .{fmt}", expected="debrief.md, debrief.html or debrief.json",
                        status=404)
    stored = st.store.latest_report(session_id)
    if stored is None:
        raise UserError("this session has no debrief yet", expected="a finished session", status=404)
    name, media = kinds[fmt]
    text = render(Report.model_validate(stored.report), name)
    filename = f"barraiser-debrief-{stored.session_id[:8]}.{fmt}"
    return Response(text, media_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# ------------------------------------------------------------------ grading a recording

@router.get("/grade", response_class=HTMLResponse)
def grade_form(request: Request):
    return page(request, "grade.html", prompts=_prompt_choices(), speakers=None)


@router.post("/grade", response_class=HTMLResponse)
def grade_submit(request: Request, st: State, file: UploadFile | None = File(None), text: str = Form(""),
                 candidate: str = Form(""), prompt_id: str = Form(""), filename: str = Form("")):
    try:
        if not candidate:
            # first step: read the transcript and let the user choose whose words are graded
            tr = st.read_upload(file, text, None)
            if len(tr.speakers) > 1 and tr.format != "written":
                pasted = text if not (file is not None and file.filename) else ""
                raw = "" if pasted else _reread(file)
                return page(request, "grade.html", prompts=_prompt_choices(), speakers=tr.speakers,
                            suggested=tr.candidate, pasted=pasted or raw, filename=file.filename if file else "",
                            prompt_id=prompt_id)
        stored, _, _ = st.grade(file if (file is not None and file.filename) else None, text, candidate or None,
                                prompt_id or None, name=filename or None)
    except UserError as e:
        return page(request, "grade.html", status=e.status, prompts=_prompt_choices(), speakers=None,
                    error=e.message, pasted=text, prompt_id=prompt_id)
    return see_other(f"/sessions/{stored.id}/debrief")


@router.get("/assets/report.css")
def report_css():
    """The debrief's own stylesheet, shared with the self-contained HTML report."""
    from pathlib import Path

    css = (Path(__file__).parents[1] / "render" / "templates" / "report.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css; charset=utf-8")


def _reread(file) -> str:
    """The uploaded file's text, carried to the second step in a hidden field."""
    file.file.seek(0)
    data = file.file.read()
    for enc in ("utf-8-sig", "utf-16", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _prompt_choices():
    from barraiser.content.packs import load_content

    return sorted(((p.id, p.title) for p in load_content().prompts.values()), key=lambda x: x[1])


# ------------------------------------------------------------------ history, progress, settings

@router.get("/history", response_class=HTMLResponse)
def history(request: Request, st: State):
    return page(request, "history.html", rows=st.store.list_sessions(limit=200))


@router.get("/progress", response_class=HTMLResponse)
def progress(request: Request, st: State):
    from barraiser.content.rubric import rubric
    from barraiser.progress import compute
    from barraiser.render.charts import progress_chart, verdict_chart

    prog = compute(st.store.report_history(), rubric())
    return page(request, "progress.html", prog=prog, chart=progress_chart(prog) if prog.points else "",
                verdicts=verdict_chart(prog) if prog.points else "")


@router.get("/settings", response_class=HTMLResponse)
def settings(request: Request, st: State, saved: int = 0):
    return page(request, "settings.html", defaults=st.defaults(), personas=PERSONAS, modes=MODES, lengths=LENGTHS,
                saved=bool(saved))


@router.post("/settings")
def save_settings(st: State, minutes: float = Form(45), persona: str = Form("neutral"), mode: str = Form("exam")):
    from barraiser.interview.session import check_options

    check_options(minutes, persona, mode)
    st.store.set_setting("minutes", minutes)
    st.store.set_setting("persona", persona)
    st.store.set_setting("mode", mode)
    return see_other("/settings?saved=1")
