"""C: which of the worker table's columns are shown; Space turns one on or off."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, SelectionList

from mproc_tui.ui.columns import COLUMNS
from mproc_tui.ui.screens.click_away import ClickAwayModal


class ColumnsScreen(ClickAwayModal[frozenset[str]]):
    """Returns the columns turned off (Enter or Apply), or None (Esc)."""

    DEFAULT_CSS = """
    #columns-dialog {
        width: 50;
    }
    #columns {
        height: auto;
        max-height: 10;  /* the rest scroll: title and buttons stay on a 24-row screen */
    }
    #columns-hint {
        width: 100%;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "apply", "Apply", priority=True),
    ]

    def __init__(self, hidden: frozenset[str]) -> None:
        super().__init__()
        self.hidden = hidden

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-dialog", classes="dialog"):
            yield Label("Columns of the worker table", classes="dialog-title")
            yield SelectionList[str](
                *((column.label, column.key, column.key not in self.hidden) for column in COLUMNS),
                id="columns",
            )
            yield Label(
                "Space turns a column on or off; Enter applies (remembered), Esc cancels.",
                id="columns-hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def action_apply(self) -> None:
        if isinstance(self.focused, Button) and self.focused.id == "cancel":
            self.action_cancel()
            return
        shown = set(self.query_one("#columns", SelectionList).selected)
        self.dismiss(frozenset(column.key for column in COLUMNS if column.key not in shown))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
