"""P: the primitives, live: who holds each, who waits and how long."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from mproc_tui.core.sync_table import SyncState, panel_lines


class SyncPanel(Static):
    """A line a primitive (deadlocks first, long waits highlighted); told what to show."""

    DEFAULT_CSS = """
    SyncPanel {
        height: auto;
        max-height: 16;
        border: round $secondary;
        border-title-color: $text;
        padding: 0 1;
        display: none;
    }
    """

    lines_shown: tuple[str, ...] = ()  # what it says now, a line a primitive
    empty_text = "No Lock, RLock, Semaphore, Event, Condition or Barrier made yet."

    def show(self, state: SyncState, names: dict[int, str], now: float) -> None:
        lines = panel_lines(state, names, now)
        self.lines_shown = tuple(line for line, _ in lines)
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (line, highlighted) in enumerate(lines):
            if index:
                text.append("\n")
            text.append(line, "bold red" if highlighted else "")  # plain text: never markup
        if not lines:
            text.append(self.empty_text)
        self.update(text)
        waits = len(state.waits)
        self.border_title = f"Primitives — {len(state.primitives)} watched, {waits} waiting"
