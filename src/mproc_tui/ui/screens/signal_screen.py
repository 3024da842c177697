"""s: choose a signal for the selected worker, and whether its own children get it too."""

from __future__ import annotations

import signal
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Label, OptionList
from textual.widgets.option_list import Option

from mproc_tui.core.text import safe_text
from mproc_tui.ui.screens.click_away import ClickAwayModal

SIGNALS: tuple[tuple[signal.Signals, str], ...] = (
    (signal.SIGTERM, "ask it to end"),
    (signal.SIGKILL, "end it now; it cannot refuse"),
    (signal.SIGINT, "KeyboardInterrupt, as Ctrl+C"),
    (signal.SIGHUP, "terminal hung up"),
    (signal.SIGSTOP, "pause it (state: stopped)"),
    (signal.SIGCONT, "resume a stopped worker"),
    (signal.SIGUSR1, "user-defined 1"),
    (signal.SIGUSR2, "user-defined 2"),
)


@dataclass(frozen=True)
class SignalChoice:
    signal_number: int
    with_children: bool


class SignalScreen(ClickAwayModal[SignalChoice]):
    DEFAULT_CSS = """
    #signal-dialog {
        width: 56;
    }
    #signals {
        height: auto;
        max-height: 10;
    }
    #signal-hint {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("c", "toggle_children", "Children too"),
    ]

    def __init__(self, worker_name: str) -> None:
        super().__init__()
        self.worker_name = worker_name

    def compose(self) -> ComposeResult:
        with Vertical(id="signal-dialog", classes="dialog"):
            title = Text(f"Send a signal to {safe_text(self.worker_name)}")
            yield Label(title, id="signal-title", classes="dialog-title")
            yield OptionList(
                *(
                    Option(Text(f"{number.name[3:]:<5} {meaning}"), id=number.name)
                    for number, meaning in SIGNALS
                ),
                id="signals",
            )
            yield Checkbox("Its child processes too (c)", id="with-children")
            yield Label("Enter sends, Esc cancels.", id="signal-hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        number = signal.Signals[str(event.option.id)]
        with_children = self.query_one("#with-children", Checkbox).value
        self.dismiss(SignalChoice(int(number), with_children))

    def action_toggle_children(self) -> None:
        checkbox = self.query_one("#with-children", Checkbox)
        checkbox.value = not checkbox.value

    def action_cancel(self) -> None:
        self.dismiss(None)
