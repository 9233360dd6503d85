"""The web app factory: `create_app()` builds a fresh, independent app (tests make many).

Nothing is created at import time. One set of error handlers serves every page and
API route: a UserError (bad file, unknown session, bad option) becomes its 4xx status
with the same message the CLI would print, as JSON under /api and as a page elsewhere;
an unexpected exception becomes a plain 500 page or JSON without a traceback (the
traceback goes to the server log).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from barraiser import __version__
from barraiser.errors import UserError

HERE = Path(__file__).parent
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the readers' own limit
log = logging.getLogger("barraiser.web")


class AppState:
    """What every request needs: the store, the live sessions, and the settings."""

    def __init__(self, store, clock_factory=None):
        from barraiser.web.live import LiveSessions

        self.store = store
        self.live = LiveSessions(store, clock_factory)

    def defaults(self, minutes=None, persona=None, mode=None) -> dict:
        return {"minutes": minutes if minutes is not None else self.store.get_setting("minutes", 45),
                "persona": persona or self.store.get_setting("persona", "neutral"),
                "mode": mode or self.store.get_setting("mode", "exam")}

    def read_upload(self, file, text: str | None, candidate: str | None, name: str | None = None):
        """A Transcript from an uploaded file or pasted text (its candidate chosen)."""
        from barraiser.transcript.readers import read_text

        if file is not None and file.filename:
            data = file.file.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                raise UserError(f"the file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
                                source=file.filename, expected="a transcript under 5 MB", status=413)
            return read_text(data, name=file.filename, candidate=candidate or None)
        if text and text.strip():
            if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
                raise UserError("the pasted text is larger than 5 MB", source="pasted text", status=413)
            return read_text(text, name=name or "pasted text", candidate=candidate or None)
        raise UserError("no transcript given", expected="a file to upload or text pasted in the box")

    def grade(self, file, text, candidate, prompt_id, name: str | None = None):
        from barraiser.grading import grade
        from barraiser.uploads import record_upload

        transcript = self.read_upload(file, text, candidate, name)
        report = grade(transcript, prompt_id)
        name = file.filename if file is not None and file.filename else (name or "pasted text")
        return record_upload(self.store, transcript, report, source_name=name), report, transcript


def create_app(*, store=None, database_url: str | None = None, clock_factory=None) -> FastAPI:
    """A new app on `store` (or a store opened from `database_url`, or the default)."""
    from barraiser.store import Store

    store = store or Store.open(database_url)
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.barraiser.live.close()  # let queued replies finish: their turns are already stored

    app = FastAPI(title="Bar Raiser", version=__version__, lifespan=lifespan,
                  description="Practise AI product system design interviews and read debriefs that quote "
                              "your own words. The JSON API mirrors every page.",
                  docs_url="/api/docs", openapi_url="/api/openapi.json", redoc_url=None)
    app.state.barraiser = AppState(store, clock_factory)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    from barraiser.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    _install_error_handlers(app, templates)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error(request: Request, templates, status: int, data: dict) -> HTMLResponse | JSONResponse:
    if _wants_json(request):
        return JSONResponse(data, status_code=status)
    return templates.TemplateResponse(request, "error.html", {"status": status, "error": data},
                                      status_code=status)


def _install_error_handlers(app: FastAPI, templates) -> None:
    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError):
        return _error(request, templates, exc.status, exc.to_dict())

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        problem = f"{where}: {first.get('msg', 'invalid input')}" if where else first.get("msg", "invalid input")
        data = UserError(problem, expected="see /api/docs for this route's fields", status=422).to_dict()
        return _error(request, templates, 422, data)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        problem = "no such page" if exc.status_code == 404 else str(exc.detail)
        data = UserError(problem, source=request.url.path, status=exc.status_code).to_dict()
        return _error(request, templates, exc.status_code, data)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        data = UserError("something went wrong on our side; your work is saved",
                         expected="try again; if it persists, report it with the server log", status=500).to_dict()
        return _error(request, templates, 500, data)
