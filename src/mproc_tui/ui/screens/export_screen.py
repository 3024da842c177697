"""e: where to write the shown records, and in which form."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from mproc_tui.core.export import ExportFormat
from mproc_tui.ui.screens.click_away import ClickAwayModal


@dataclass(frozen=True)
class ExportChoice:
    path: str
    form: ExportFormat


class ExportScreen(ClickAwayModal[ExportChoice]):
    DEFAULT_CSS = """
    #export-dialog {
        width: 80;
    }
    #export-buttons {
        height: auto;
        margin-top: 1;
    }
    #export-buttons Button {
        margin: 0 1 0 0;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default_stem: str, count: int) -> None:
        super().__init__()
        self.default_stem = default_stem
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(f"Export {self.count:,} records (as the pane's filters show them)")
            yield Input(value=self.default_stem, id="export-path")
            with Horizontal(id="export-buttons", classes="buttons"):
                yield Button("Text (.log)", id="text", variant="primary")
                yield Button("JSON lines (.jsonl)", id="json")
                yield Button("Cancel (Esc)", id="cancel")

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        if event.button.id not in ("text", "json"):
            self.dismiss(None)
            return
        form: ExportFormat = "json" if event.button.id == "json" else "text"
        path = self.query_one("#export-path", Input).value.strip() or self.default_stem
        suffix = ".jsonl" if form == "json" else ".log"
        if not path.endswith((".jsonl", ".log", ".txt", ".json")):
            path += suffix
        self.dismiss(ExportChoice(path, form))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.query_one("#text", Button).press()

    def action_cancel(self) -> None:
        self.dismiss(None)
