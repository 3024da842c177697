"""Asks what to do with non-daemon workers that still run when the user quits."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.widgets import Button, Label

from mproc_tui.core.text import plural, safe_text
from mproc_tui.ui.screens.click_away import ClickAwayModal

QuitChoice = Literal["wait", "terminate"]


class QuitScreen(ClickAwayModal[QuitChoice]):
    """Wait (join), terminate (TERM then KILL after the grace period), or cancel."""

    DEFAULT_CSS = """
    #quit-dialog {
        grid-size: 1;
        grid-rows: auto auto auto;
        grid-gutter: 1;
        width: 72;
        border: thick $error;
    }
    #quit-question {
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("w", "choose('wait')", "Wait"),
        Binding("t", "choose('terminate')", "Terminate"),
        Binding("escape", "choose(None)", "Cancel"),
    ]

    def __init__(
        self, running: int, grace: float, program: str | None = None, daemons_stopped: int = 0
    ) -> None:
        super().__init__()
        self.running = running  # non-daemon workers, and the watched program if it runs
        self.grace = grace
        self.program = program  # mproc-tui run: the program's name while it runs
        self.daemons_stopped = daemons_stopped  # already, before asking: Cancel keeps the rest

    def compose(self) -> ComposeResult:
        with Grid(id="quit-dialog", classes="dialog"):
            yield Label(self._question(), id="quit-question")
            yield Label(self._detail(), id="quit-detail")
            with Horizontal(id="quit-buttons", classes="buttons"):
                yield Button("Wait (w)", id="wait", variant="primary")
                yield Button("Terminate (t)", id="terminate", variant="error")
                yield Button("Cancel (Esc)", id="cancel")

    def _question(self) -> str:
        verb = "is" if self.running == 1 else "are"
        if self.program is None:
            return f"{plural(self.running, 'non-daemon worker')} {verb} still running."
        program, workers = safe_text(self.program), self.running - 1
        if not workers:
            return f"{program} is still running."
        return f"{program} and {plural(workers, 'non-daemon worker')} are still running."

    def _detail(self) -> str:
        pronoun = "it" if self.running == 1 else "them"
        detail = (
            f"Wait for {pronoun} to finish (join), or terminate {pronoun} "
            f"(SIGTERM, then SIGKILL after {self.grace:g} s)?"
        )
        if self.daemons_stopped:
            stopped = plural(self.daemons_stopped, "daemon worker")
            were = "was" if self.daemons_stopped == 1 else "were"
            detail += (
                f"\n{stopped} {were} terminated already, as Python does at exit:"
                " Cancel keeps the rest running."
            )
        return detail

    def show_running(self, running: int, program_running: bool = False) -> None:
        """Keep the question true; once none run there is nothing to ask."""
        if running == 0:
            self.dismiss("wait")
        elif running != self.running or (self.program is not None) != program_running:
            self.running = running
            self.program = self.program if program_running else None
            self.query_one("#quit-question", Label).update(self._question())
            self.query_one("#quit-detail", Label).update(self._detail())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        choice = event.button.id
        self.dismiss(choice if choice in ("wait", "terminate") else None)  # type: ignore[arg-type]

    def action_choose(self, choice: QuitChoice | None) -> None:
        self.dismiss(choice)
