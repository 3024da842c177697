"""The log search box: type to highlight; Enter or Down / Shift+Enter or Up step through."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    """Posts what the user wants; the app moves the pane (messages up)."""

    # Many terminals send Shift+Enter as a plain Enter: Up and Down always work.
    BINDINGS = [
        Binding("enter", "step(True)", "Next match", show=False, tooltip="Next match"),
        Binding("down", "step(True)", "Next match", show=False, tooltip="Next match"),
        Binding("shift+enter", "step(False)", "Previous", show=False, tooltip="Previous match"),
        Binding("up", "step(False)", "Previous match", show=False, tooltip="Previous match"),
        Binding("escape", "close", "Close search", show=False, tooltip="Close the search"),
    ]

    @dataclass
    class Step(Message):
        forward: bool

    @dataclass
    class Closed(Message):
        pass

    def action_step(self, forward: bool) -> None:
        self.post_message(self.Step(forward=forward))

    def action_close(self) -> None:
        self.post_message(self.Closed())
