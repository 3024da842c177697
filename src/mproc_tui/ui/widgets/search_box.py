"""The log search box: type to highlight; Enter or Down / Shift+Enter or Up step through."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from mproc_tui.core.text import safe_text


class SearchBox(Input):
    """Posts what the user wants; the app moves the pane (messages up).

    Its border says what the text means: a search, a regular expression, an exclusion
    (``!text``), or why a pattern is bad.
    """

    # Many terminals send Shift+Enter as a plain Enter: Up and Down always work.
    BINDINGS = [
        Binding("enter", "step(True)", "Next match", show=False, tooltip="Next match"),
        Binding("down", "step(True)", "Next match", show=False, tooltip="Next match"),
        Binding("shift+enter", "step(False)", "Previous", show=False, tooltip="Previous match"),
        Binding("up", "step(False)", "Previous match", show=False, tooltip="Previous match"),
        Binding("escape", "close", "Close search", show=False, tooltip="Close the search"),
        Binding("ctrl+r", "toggle_regex", "Regex", show=False, tooltip="Regular expression on/off"),
    ]

    DEFAULT_CSS = """
    SearchBox {
        border-title-color: $text-muted;
        border-subtitle-color: $text-muted;
    }
    SearchBox.-bad-pattern {
        border: tall $error;
        border-subtitle-color: $error;
    }
    """

    @dataclass
    class Step(Message):
        forward: bool

    @dataclass
    class Closed(Message):
        pass

    @dataclass
    class RegexToggled(Message):
        pass

    def on_mount(self) -> None:
        self.show_state("", regex=False)

    def action_step(self, forward: bool) -> None:
        self.post_message(self.Step(forward=forward))

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_toggle_regex(self) -> None:
        self.post_message(self.RegexToggled())

    def show_state(self, error: str, regex: bool) -> None:
        """The border: the mode, and a bad pattern's error (the app goes on as before)."""
        mode = "regex (Ctrl+R: text)" if regex else "text (Ctrl+R: regex)"
        if self.value.startswith("!"):
            mode = f"hiding the lines it matches, {mode}; Esc keeps it"
        self.border_title = mode
        self.set_class(bool(error), "-bad-pattern")
        self.border_subtitle = safe_text(error)
