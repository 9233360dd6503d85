"""The terminal practice room: a countdown and phase bar under a multi-line answer box.

prompt_toolkit draws the box and the status bar (refreshed every second); all
the interview logic is in `barraiser.interview.session`. The draft is saved as
it is typed (at most once a second) and the clock every few seconds, so closing
the terminal or killing the process loses nothing but those seconds.

Keys: Enter on an empty line sends (so an answer can have several lines);
Alt+Enter or Esc then Enter also sends; Ctrl+C leaves, keeping everything.
Commands alone on a line: /time, /pause, /end, /help.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from barraiser.interview.clock import mmss

HELP = ("Type your answer; press Enter on an empty line to send it (Alt+Enter also sends).\n"
        "Commands, alone on a line: /time (clocks), /pause, /end (finish and get the debrief), /help.\n"
        "Ctrl+C leaves the room; your turns and draft are kept: `barraiser practice --resume` continues.")
DRAFT_EVERY_S = 1.0
HEARTBEAT_EVERY_S = 5.0
BAR_WIDTH = 30


def phase_bar(session) -> str:
    """A text bar with one segment per phase, sized by its budget, filled up to now."""
    c = session.clocks()
    total = session.minutes * 60
    out = []
    for b in session.budgets:
        width = max(2, round(BAR_WIDTH * (b.end_s - b.start_s) / total))
        done = 0 if c.elapsed_s <= b.start_s else min(width, round(width * (c.elapsed_s - b.start_s)
                                                                    / (b.end_s - b.start_s)))
        out.append("█" * done + "░" * (width - done))
    return "▕" + "│".join(out) + "▏"


def status_line(session) -> str:
    c = session.clocks()
    paused = "  PAUSED" if session.status == "paused" else ""
    return (f" {phase_bar(session)} {mmss(c.left_s)} left · {c.phase.title} · "
            f"spoken-equivalent {mmss(c.spoken_s)}{paused} · /help")


class Room:
    def __init__(self, session, *, console: Console | None = None, pt_input=None, pt_output=None):
        self.session = session
        self.console = console or Console(highlight=False)
        self._pt_input = pt_input
        self._pt_output = pt_output
        self._last_draft = 0.0
        self._last_beat = 0.0
        self._saved = session.draft or ""

    def _save(self, text: str) -> None:
        self._last_draft = time.monotonic()
        self._saved = text
        self.session.save_draft(text)

    # -------------------------------------------------------- output

    def show_turn(self, turn) -> None:
        style = {"Interviewer": "bold cyan", "Coach": "bold magenta"}.get(turn.speaker, "bold")
        head = Text(f"[{mmss(turn.wall_s)}] {turn.speaker}: ", style=style)
        self.console.print(head + Text(turn.text))
        self.console.print()

    def intro(self, resumed: bool) -> None:
        s = self.session
        title = f"{s.prompt.title} · {s.minutes:g} min · {s.record.persona} · {s.record.mode} mode"
        self.console.print(Panel(Text(HELP), title=title, subtitle=f"session {s.record.id[:8]}"))
        if resumed:
            self.console.print(Text(f"Resumed at {mmss(s.elapsed_s)}. The conversation so far:", style="dim"))
        for t in s.turns:
            self.show_turn(t)
        if resumed:
            self.console.print(Text(f"Interviewer: {s.interviewer.welcome_back(s.elapsed_s)}", style="bold cyan"))
        if resumed and s.draft:
            self.console.print(Text("Your unsent draft is back in the answer box.", style="dim"))

    # -------------------------------------------------------- the loop

    def run(self, *, resumed: bool = False):
        """Run until the candidate ends, time runs out, or they leave. Returns the
        Report if the interview ended, else None."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.application.current import get_app
        from prompt_toolkit.key_binding import KeyBindings

        s = self.session
        self.intro(resumed)
        kb = KeyBindings()

        @kb.add("enter")
        def _enter(event):
            buf = event.current_buffer
            text = buf.text
            last_line = text.split("\n")[-1] if text else ""
            if text.strip() and (not last_line.strip() or (text.strip().startswith("/") and "\n" not in text)):
                buf.validate_and_handle()
            else:
                buf.insert_text("\n")

        def toolbar():
            # Called on every refresh (once a second): the clock is persisted here so a
            # killed process loses at most a few seconds of it; time up ends the answer.
            now = time.monotonic()
            app = get_app()
            if app.current_buffer.text != self._saved:
                # the last keystrokes of a burst, which the throttled on_change skipped
                self._save(app.current_buffer.text)
            if s.status == "active" and now - self._last_beat >= HEARTBEAT_EVERY_S:
                self._last_beat = now
                s.heartbeat()
            if s.time_up and s.status == "active":
                if app.is_running and not app.is_done:
                    app.exit(result=app.current_buffer.text + "\n/timeup")
            return status_line(s)

        prompt = PromptSession(multiline=True, key_bindings=kb, bottom_toolbar=toolbar, refresh_interval=1.0,
                               input=self._pt_input, output=self._pt_output)

        def on_change(buf):
            if time.monotonic() - self._last_draft >= DRAFT_EVERY_S:
                self._save(buf.text)

        prompt.default_buffer.on_text_changed += on_change
        default = s.draft or ""  # a resumed session's draft comes back in the box, once
        while True:
            try:
                text = prompt.prompt("You> ", default=default, prompt_continuation="   ")
                default = ""
            except KeyboardInterrupt:
                self._save(prompt.default_buffer.text)
                s.pause()
                self.console.print(f"Left the room at {mmss(s.elapsed_s)}; everything is saved. "
                                   f"Continue with: barraiser practice --resume {s.record.id[:8]}")
                return None
            except EOFError:
                s.pause()
                self.console.print(f"Paused. Continue with: barraiser practice --resume {s.record.id[:8]}")
                return None
            timeup = text.endswith("\n/timeup")
            if timeup:
                text = text[: -len("\n/timeup")]
            command = text.strip().lower()
            if command.startswith("/"):
                self._save("")  # a command is not a draft
            if command in ("/help", "/?"):
                self.console.print(HELP)
                continue
            if command == "/time":
                self.console.print(status_line(s))
                continue
            if command == "/pause":
                s.pause()
                try:
                    prompt.prompt("Paused. Press Enter to continue (Ctrl+C to leave). ", multiline=False,
                                  bottom_toolbar=None, default="")
                except (KeyboardInterrupt, EOFError):
                    self.console.print(f"Paused. Continue with: barraiser practice --resume {s.record.id[:8]}")
                    return None
                s.unpause()
                continue
            if command == "/end":
                return self.finish("ended by the candidate")
            if command.startswith("/"):
                self.console.print(f"Unknown command {command.split()[0]}. {HELP}")
                continue
            if text.strip():
                self._save(text)
                replies = s.send(text)  # stores the turn (and clears the draft) before the reply
                self._saved = ""
                for turn in replies:
                    self.show_turn(turn)
            if timeup or s.time_up:
                return self.finish("time")

    def finish(self, reason: str):
        s = self.session
        self.console.print(Text("Grading the interview…", style="dim"))
        report = s.end(reason)
        for t in s.turns[-1:]:
            if t.kind == "closing":
                self.show_turn(t)
        return report
