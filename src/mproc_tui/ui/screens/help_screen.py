"""Every key of the app, generated from the bindings so it cannot fall out of date."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


def describe_key(key: str) -> str:
    names = {
        "question_mark": "?",
        "ctrl+q": "Ctrl+Q",
        "escape": "Esc",
        "slash": "/",
        "f3": "F3",
        "shift+f3": "Shift+F3",
        "end": "End",
    }
    return ", ".join(names.get(part, part) for part in key.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
    ]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.key_bindings = bindings

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for binding in self.key_bindings:
            table.add_row(
                Text(describe_key(binding.key)), Text(binding.tooltip or binding.description)
            )
        with VerticalScroll(id="help-dialog"):
            yield Label("Keys", id="help-title")
            yield Static(table)
            yield Label("Up/Down or a mouse click selects a worker.", id="help-selection")
            yield Label("Esc, ? or q closes this help.", id="help-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
