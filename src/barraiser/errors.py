"""Errors a user can cause, each carrying what a person needs to fix it.

Every error a user can provoke (a bad file, an unknown prompt, a wrong candidate
name) is a `UserError`: the CLI prints its one-line message and exits 2, the web
app turns it into a 4xx response. Anything else is a bug.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the user gave us, with the place and the fix."""

    def __init__(self, problem: str, *, source: str | None = None, line: int | None = None,
                 expected: str | None = None, status: int = 400):
        self.problem = problem
        self.source = source
        self.line = line
        self.expected = expected
        self.status = status
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = ""
        if self.source:
            where = self.source if self.line is None else f"{self.source}, line {self.line}"
            where += ": "
        text = where + self.problem
        if self.expected:
            text += f" (expected {self.expected})"
        return text

    def to_dict(self) -> dict:
        return {"error": self.problem, "source": self.source, "line": self.line,
                "expected": self.expected, "message": self.message}


class TranscriptError(UserError):
    """A transcript file that cannot be read."""


class ContentError(UserError):
    """A content pack that does not validate."""


class NotFound(UserError):
    def __init__(self, problem: str, **kw):
        kw.setdefault("status", 404)
        super().__init__(problem, **kw)
