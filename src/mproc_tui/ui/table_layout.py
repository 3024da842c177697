"""Where the worker table's columns go: plain data and pure functions, no Textual.

Which columns are shown (the user turns them on and off), how wide each is, and
which stay on the left while the table scrolls sideways (PID and name, so a row
is always known by them).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len

from mproc_tui.ui.columns import AUTO_WIDTH, COLUMN_KEYS, COLUMNS, Cells, column_of

PADDING = 1  # cells of space on each side of a column
PINNED = ("pid", "name")  # stay put when the table scrolls sideways
# At 80 columns these fit in full (the name gives way first); the rest as space allows.
ESSENTIAL = ("pid", "name", "daemon", "state", "exit")


class TableLayout:
    """The shown columns, their widths for the rows of the moment, and the pinned ones."""

    def __init__(self, hidden: Iterable[str] = ()) -> None:
        self.hidden = frozenset(key for key in hidden if key in COLUMN_KEYS)
        self.widths = [column.fitted(0) for column in COLUMNS]
        self.viewport = 0  # cells the table has on screen; 0 while unknown

    @property
    def shown(self) -> tuple[int, ...]:
        """The shown columns' indices, left to right."""
        return tuple(index for index, key in enumerate(COLUMN_KEYS) if key not in self.hidden)

    @property
    def shown_keys(self) -> tuple[str, ...]:
        return tuple(COLUMN_KEYS[index] for index in self.shown)

    def outer(self, index: int) -> int:
        """A column's cells with its padding."""
        return self.widths[index] + 2 * PADDING

    @property
    def total_width(self) -> int:
        return sum(self.outer(index) for index in self.shown)

    @property
    def pinned(self) -> tuple[int, ...]:
        """The leading shown columns that stay put: PID and name, when shown."""
        pinned: list[int] = []
        for index in self.shown:
            if COLUMN_KEYS[index] not in PINNED:
                break
            pinned.append(index)
        return tuple(pinned)

    @property
    def pinned_width(self) -> int:
        return sum(self.outer(index) for index in self.pinned)

    def fit(self, rows: Iterable[Cells]) -> None:
        """Auto-width columns as wide as their widest cell, but the name no wider than
        leaves the essential columns room on screen."""
        rows = list(rows)
        for index in AUTO_WIDTH:
            widest = max((cell_len(row[index].text) for row in rows), default=0)
            self.widths[index] = COLUMNS[index].fitted(widest)
        name = COLUMN_KEYS.index("name")
        if not self.viewport or "name" in self.hidden:
            return
        others = sum(
            self.outer(COLUMN_KEYS.index(key))
            for key in ESSENTIAL
            if key != "name" and key not in self.hidden
        )
        room = self.viewport - others - 2 * PADDING
        least = len(column_of("name").label) + 2
        self.widths[name] = min(self.widths[name], max(least, room))

    def column_at(self, x: int, scroll_x: int) -> str | None:
        """The column under cell ``x`` of the screen, the table scrolled by ``scroll_x``."""
        pinned_width = self.pinned_width
        if x >= pinned_width:
            x += scroll_x
        edge = 0
        for index in self.shown:
            edge += self.outer(index)
            if x < edge:
                return COLUMN_KEYS[index]
        return None
