"""k or K on a worker that has child processes: take them along, or not?"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.widgets import Button, Label

from mproc_tui.core.text import plural, safe_text
from mproc_tui.ui.screens.click_away import ClickAwayModal

ChildrenChoice = Literal["with-children", "worker-only"]


class ChildrenScreen(ClickAwayModal[ChildrenChoice]):
    """Signal the worker and every process it started, the worker only, or cancel.

    Taking the children is the default: left alone they outlive their worker
    (until the app ends) and hold whatever it held.
    """

    DEFAULT_CSS = """
    #children-dialog {
        grid-size: 1;
        grid-rows: auto auto auto;
        grid-gutter: 1;
        width: 84;
        border: thick $warning;
    }
    #children-question {
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("c", "choose('with-children')", "With children"),
        Binding("w", "choose('worker-only')", "Worker only"),
        Binding("escape", "choose(None)", "Cancel"),
    ]

    def __init__(self, action: str, worker_name: str, processes: Sequence[tuple[int, str]]) -> None:
        super().__init__()
        self.action = action  # "Terminate" or "Kill"
        self.worker_name = worker_name
        self.processes = processes

    def compose(self) -> ComposeResult:
        name = safe_text(self.worker_name)
        listed = ", ".join(f"{pid} {safe_text(name)}" for pid, name in self.processes[:6])
        if len(self.processes) > 6:
            listed += ", …"
        with Grid(id="children-dialog", classes="dialog"):
            yield Label(
                f"{self.action} {name}? It has {plural(len(self.processes), 'child process')}.",
                id="children-question",
            )
            yield Label(f"({listed})", id="children-list")
            with Horizontal(id="children-buttons", classes="buttons"):
                yield Button("With its children (c)", id="with-children", variant="error")
                yield Button("Worker only (w)", id="worker-only")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#with-children", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        choice = event.button.id
        self.dismiss(choice if choice in ("with-children", "worker-only") else None)  # type: ignore[arg-type]

    def action_choose(self, choice: ChildrenChoice | None) -> None:
        self.dismiss(choice)
