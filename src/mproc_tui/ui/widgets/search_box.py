"""The log search box: type to highlight, Enter / Shift+Enter for next / previous."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    """Posts what the user wants; the app moves the pane (messages up)."""

    BINDINGS = [
        Binding("shift+enter", "previous", "Previous match", show=False),
        Binding("escape", "close", "Close search", show=False),
    ]

    @dataclass
    class Step(Message):
        forward: bool

    @dataclass
    class Closed(Message):
        pass

    def action_previous(self) -> None:
        self.post_message(self.Step(forward=False))

    def action_close(self) -> None:
        self.post_message(self.Closed())
