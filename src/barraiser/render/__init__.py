"""Renderers: a Report in, text out. They never judge; they only format.

Formatters are chosen by name (`--format`); each is a function registered here.
"""

from __future__ import annotations

from barraiser.grading.report import Report

FORMATS = ("terminal", "markdown", "html", "json")
ALIASES = {"md": "markdown", "text": "terminal", "term": "terminal"}


def render(report: Report, fmt: str, *, color: bool = False, width: int = 100) -> str:
    fmt = ALIASES.get(fmt, fmt)
    if fmt == "json":
        from barraiser.render.json_report import render_json
        return render_json(report)
    if fmt == "markdown":
        from barraiser.render.markdown import render_markdown
        return render_markdown(report)
    if fmt == "html":
        from barraiser.render.html import render_html
        return render_html(report)
    if fmt == "terminal":
        from barraiser.render.terminal import render_terminal
        return render_terminal(report, color=color, width=width)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def format_for_path(path: str) -> str | None:
    """Guess a format from an output file's extension."""
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return {"json": "json", "md": "markdown", "markdown": "markdown", "html": "html", "htm": "html",
            "txt": "terminal"}.get(ext)

