"""v: the selected worker's log level, changed while it runs; the current one is chosen."""

from __future__ import annotations

import logging

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mproc_tui.core.text import safe_text
from mproc_tui.ui.screens.click_away import ClickAwayModal

LEVELS: tuple[tuple[int, str], ...] = (
    (logging.DEBUG, "everything"),
    (logging.INFO, "INFO and above"),
    (logging.WARNING, "warnings and errors (Python's default)"),
    (logging.ERROR, "errors only"),
    (logging.CRITICAL, "critical errors only"),
)


class LevelScreen(ClickAwayModal[int]):
    """Returns the level chosen (Enter), or None (Esc)."""

    DEFAULT_CSS = """
    #level-dialog {
        width: 60;
    }
    #levels {
        height: auto;
        max-height: 7;
    }
    #level-hint {
        color: $text-muted;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, worker_name: str, current: int | None) -> None:
        super().__init__()
        self.worker_name = worker_name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="level-dialog", classes="dialog"):
            title = Text(f"Log level of {safe_text(self.worker_name)}")
            yield Label(title, id="level-title", classes="dialog-title")
            options = OptionList(
                *(
                    Option(Text(f"{logging.getLevelName(level):<9} {meaning}"), id=str(level))
                    for level, meaning in LEVELS
                ),
                id="levels",
            )
            levels = [level for level, _ in LEVELS]
            if self.current in levels:
                options.highlighted = levels.index(self.current)
            yield options
            yield Label(
                "Its root logger, from its next record on. Enter sets, Esc cancels.",
                id="level-hint",
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(str(event.option.id)))

    def action_cancel(self) -> None:
        self.dismiss(None)
