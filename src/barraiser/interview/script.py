"""Scripted sessions: the candidate's turns read from a file or standard input.

The format (docs/practice.md):

    [00:40] Who is this for, buyers or sellers?      <- optional [mm:ss] or [h:mm:ss]:
    ---                                                 when the turn is sent
    I'll design for sellers: their payouts are
    what attackers go after.                          <- a turn can span lines
    ---
    /pause   /wait 2m   /time   /end                  <- commands, alone on a line
    # a comment

Turns end at a line `---` (or at the end of the input). Lines are read as
they arrive, and the turn being read is saved as the draft after each line,
so a scripted session killed mid-answer loses nothing either. Without a stamp
the interview clock moves on by the time it takes to type the turn (a third
of speaking speed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from barraiser.errors import UserError
from barraiser.interview.clock import typing_seconds

SEPARATOR = "---"
MIN_TURN_S = 10.0  # even a one-word turn takes a few seconds to type and send
_STAMP = re.compile(r"^\s*\[(?:(\d{1,2}):)?(\d{1,3}):(\d{2})\]\s*")
_WAIT = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?)?$", re.I)
COMMANDS = ("/pause", "/wait", "/time", "/end", "/help")


@dataclass(frozen=True)
class Step:
    kind: str                 # send | command
    text: str = ""
    at_s: float | None = None  # send: the stamp, if any
    line: int = 0             # where it starts in the script


def parse_wait(arg: str, source: str, line: int) -> float:
    m = _WAIT.match(arg.strip())
    if not m:
        raise UserError(f"/wait needs a duration, got {arg.strip()!r}", source=source, line=line,
                        expected="e.g. /wait 90s or /wait 2m")
    value = float(m.group(1))
    unit = (m.group(2) or "s").lower()
    return value * 60 if unit.startswith("m") else value


def read_steps(lines: Iterable[str], *, source: str = "script",
               on_partial: Callable[[str], None] | None = None) -> Iterable[Step]:
    """Yield steps as soon as each is complete; call `on_partial` with the turn
    being read after every line of it (the draft)."""
    buf: list[str] = []
    at: float | None = None
    start = 0

    def flush():
        nonlocal buf, at
        text = "\n".join(buf).strip()
        step = Step("send", text, at, start) if text else None
        buf, at = [], None
        return step

    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if stripped == SEPARATOR:
            step = flush()
            if step:
                yield step
            continue
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if not buf and stripped.startswith("/"):
            cmd = stripped.split()[0].lower()
            if cmd not in COMMANDS:
                raise UserError(f"unknown command {cmd!r}", source=source, line=n,
                                expected=f"one of {', '.join(COMMANDS)}, or a turn's text")
            yield Step("command", stripped, None, n)
            continue
        if not buf:
            start = n
            m = _STAMP.match(line)
            if m:
                h, mi, s = m.groups()
                if int(s) >= 60:
                    raise UserError(f"bad time stamp {m.group(0).strip()!r}", source=source, line=n,
                                    expected="[mm:ss] or [h:mm:ss] with seconds below 60")
                at = int(h or 0) * 3600 + int(mi) * 60 + int(s)
                line = line[m.end():]
        buf.append(line)
        if on_partial:
            on_partial("\n".join(buf).strip())
    step = flush()
    if step:
        yield step


def run_script(session, lines: Iterable[str], *, source: str, say: Callable[[str], None]) -> str:
    """Drive `session` (its clock a ManualClock) through a script. Returns how it
    stopped: 'ended' (by /end, time, or the end of the input) or 'paused'."""
    from barraiser.interview.clock import mmss

    last = None
    ended_by_time = False
    for step in read_steps(lines, source=source, on_partial=session.save_draft):
        if ended_by_time:
            say(f"(line {step.line}: the interview is over; the rest of the script is ignored)")
            break
        last = step
        if step.kind == "command":
            cmd, _, arg = step.text.partition(" ")
            cmd = cmd.lower()
            if cmd == "/end":
                return "ended"
            if cmd == "/pause":
                session.pause()
                say(f"[{mmss(session.elapsed_s)}] (paused)")
            elif cmd == "/wait":
                session.clock.advance(parse_wait(arg, source, step.line))
            elif cmd == "/time":
                say(f"[{mmss(session.elapsed_s)}] {session.clocks().line()}")
            continue
        if step.at_s is not None:
            if step.at_s < session.elapsed_s - 0.5:
                raise UserError(f"the stamp [{mmss(step.at_s)}] is earlier than the interview clock "
                                f"({mmss(session.elapsed_s)})", source=source, line=step.line,
                                expected="stamps that do not go back in time")
            session.set_elapsed(step.at_s)
        else:
            session.clock.advance(max(MIN_TURN_S, typing_seconds(step.text)))
        for turn in session.send(step.text):
            say(f"[{mmss(turn.wall_s)}] {turn.speaker}: {turn.text}")
            if turn.kind == "closing":
                ended_by_time = True
    if last is not None and last.kind == "command" and last.text.lower().startswith("/pause"):
        return "paused"
    return "ended"
