"""S: the watched program's source (a lesson's code), to read beside what it does."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from mproc_tui.core.text import safe_text
from mproc_tui.ui.screens.click_away import ClickAwayModal


class SourceScreen(ClickAwayModal[None]):
    """Shows a file's text with line numbers and Python colours; Esc or q closes."""

    DEFAULT_CSS = """
    #source-dialog {
        width: 100%;
        height: 100%;
    }
    #source-text {
        height: 1fr;
    }
    #source-hint {
        color: $text-muted;
    }
    """

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="source-dialog", classes="dialog"):
            yield Label(f"Source: {safe_text(self.path)}", classes="dialog-title")
            with VerticalScroll(id="source-text"):
                # Code is text: Syntax draws it as written (no markup in it is acted on).
                yield Static(Syntax(self.text, "python", line_numbers=True, word_wrap=False))
            yield Label("↑/↓ and Page Up/Down scroll; Esc or q closes.", id="source-hint")

    def on_mount(self) -> None:
        self.query_one("#source-text").focus()

    def action_close(self) -> None:
        self.dismiss(None)
