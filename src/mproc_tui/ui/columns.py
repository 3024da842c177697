"""The worker table's columns: one definition each, for worker rows and child rows alike.

A column says what its header reads, how wide it is, what a worker's cell shows,
what a child process's cell shows, and what the column sorts by. Plain data and
pure functions, no Textual: a new column is one entry in ``COLUMNS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from rich.cells import cell_len, set_cell_size

from mproc_tui.core.rows import OWN, WorkerRow
from mproc_tui.core.samples import ChildSample
from mproc_tui.core.text import (
    format_bytes,
    format_duration,
    format_exit_code,
    safe_text,
    sparkline,
)

STATE_STYLES = {
    "running": "green",
    "sleeping": "cyan",
    "idle": "cyan",
    "disk-sleep": "yellow",
    "stopped": "bold black on yellow",
    "tracing-stop": "bold black on yellow",
    "zombie": "bold white on red",
    "dead": "bold white on red",
    "starting": "dim",
    "joining": "yellow",
    "joined": "dim",
    "exited": "dim",
    "killed": "bold red",
}
FAILED_STYLE = "bold white on red"
RESTARTING_STYLE = "bold yellow"
WAITING_STYLE = "yellow"


class Cell(NamedTuple):
    """What one cell shows: plain text (already made safe) and its style."""

    text: str
    style: str = ""


EMPTY = Cell("")


def _blank(child: ChildSample) -> Cell:
    return EMPTY


def _optional(value: object) -> str:
    return "" if value is None else str(value)


def _cpu(percent: float | None) -> Cell:
    return Cell("" if percent is None else f"{percent:.1f}")


def _state(state: str) -> Cell:
    if state.startswith("restarting"):
        return Cell(state, RESTARTING_STYLE)
    if state.startswith("waiting:"):  # on a watched lock: "waiting: Lock#1 (held by ...)"
        return Cell(state, WAITING_STYLE)
    return Cell(state, STATE_STYLES.get(state, ""))


def _child_name(child: ChildSample) -> Cell:
    """A child process under its worker, indented by how deep it is."""
    return Cell(f"{'  ' * (child.depth - 1)}└ {safe_text(child.name)}", "italic")


def _nested(cell: Cell, depth: int) -> Cell:
    """A name in the tree, under the row that started its process."""
    return Cell(f"{'  ' * (depth - 1)}└ {cell.text}", cell.style)


def _mean(readings: tuple[float, ...]) -> float | None:
    return sum(readings) / len(readings) if readings else None


@dataclass(frozen=True)
class Column:
    """One column: its header, width, a worker's cell, a child's cell, and its sort value.

    ``sort`` returns None for a row with no value: such rows sort last whichever the
    direction, as htop keeps empty cells at the bottom.
    """

    key: str
    label: str
    width: int | None  # None: as wide as its widest cell, within ``least`` and ``most``
    cell: Callable[[WorkerRow], Cell]
    sort: Callable[[WorkerRow], Any]
    child_cell: Callable[[ChildSample], Cell] = _blank
    right: bool = False  # numbers line up on the right
    least: int = 0  # an auto-width column's narrowest (at least its label's width)
    most: int = 40  # and widest: longer cells are cut

    def fitted(self, widest_cell: int) -> int:
        """Its width for cells at most ``widest_cell`` wide."""
        if self.width is not None:
            return self.width
        return min(self.most, max(self.least, len(self.label) + 2, widest_cell))


COLUMNS: tuple[Column, ...] = (
    Column(
        "pid",
        "PID",
        8,
        cell=lambda row: Cell(_optional(row.pid)),
        sort=lambda row: row.pid,
        child_cell=lambda child: Cell(str(child.pid)),
        right=True,
    ),
    Column(
        "name",
        "Name",
        None,
        cell=lambda row: Cell(safe_text(row.name)),  # data, never markup
        sort=lambda row: row.name.casefold(),
        child_cell=_child_name,
    ),
    Column(
        "daemon",
        "Daemon",
        8,
        cell=lambda row: Cell("yes" if row.daemon else "no"),
        sort=lambda row: row.daemon,
    ),
    Column(
        "state",
        "State",
        None,  # "restarting in 4 s"; "waiting: Lock#1 (held by Process-3, 12 s)"
        least=10,
        most=44,
        cell=lambda row: _state(row.state),
        sort=lambda row: row.state,
        child_cell=lambda child: _state(child.state),
    ),
    Column(
        "exit",
        "Exit",
        11,
        cell=lambda row: Cell(format_exit_code(row.exit_code), FAILED_STYLE if row.failed else ""),
        sort=lambda row: row.exit_code,
    ),
    Column(
        "restarts",
        "Restarts",
        10,
        cell=lambda row: Cell(str(row.restarts) if row.kind in ("", OWN) else ""),
        sort=lambda row: row.restarts if row.kind in ("", OWN) else None,
        right=True,
    ),
    Column(
        "cpu",
        "CPU %",
        7,
        cell=lambda row: _cpu(row.cpu_percent),
        sort=lambda row: row.cpu_percent,
        child_cell=lambda child: _cpu(child.cpu_percent),
        right=True,
    ),
    Column(
        "history",
        "CPU history",
        15,
        cell=lambda row: Cell(sparkline(row.cpu_history), "green"),
        sort=lambda row: _mean(row.cpu_history),
    ),
    Column(
        "rss",
        "RSS",
        8,
        cell=lambda row: Cell(format_bytes(row.rss)),
        sort=lambda row: row.rss,
        child_cell=lambda child: Cell(format_bytes(child.rss)),
        right=True,
    ),
    Column(
        "threads",
        "Threads",
        9,
        cell=lambda row: Cell(_optional(row.threads)),
        sort=lambda row: row.threads,
        right=True,
    ),
    Column(
        "uptime",
        "Uptime",
        8,
        cell=lambda row: Cell(format_duration(row.uptime)),
        sort=lambda row: row.uptime,
        right=True,
    ),
    Column(
        "method",
        "Method",
        10,
        cell=lambda row: Cell(row.start_method),
        sort=lambda row: row.start_method,
    ),
    Column(
        "level",
        "Level",
        9,
        cell=lambda row: Cell(_level_name(row.level)),
        sort=lambda row: row.level,
    ),
    Column(
        "children",
        "Children",
        10,
        cell=lambda row: Cell(str(len(row.children)) if row.children else ""),
        sort=lambda row: len(row.children),
        right=True,
    ),
    Column(
        "kind",
        "Made by",
        9,
        cell=lambda row: Cell(row.kind),  # a watched program's: Main, Process, Pool, ...
        sort=lambda row: row.kind or None,
    ),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
NAME_COLUMN = COLUMN_KEYS.index("name")
AUTO_WIDTH = tuple(index for index, column in enumerate(COLUMNS) if column.width is None)


def _level_name(level: int | None) -> str:
    """``INFO``; a level of its own by number (``Level 5``); a program's: blank."""
    return "" if level is None else logging.getLevelName(level)


def column_of(key: str) -> Column:
    return COLUMNS[COLUMN_KEYS.index(key)]


Cells = tuple[Cell, ...]


def worker_cells(row: WorkerRow, depth: int = 0) -> Cells:
    """A row's cells; ``depth`` > 0 nests its name under the row that started it."""
    cells = tuple(column.cell(row) for column in COLUMNS)
    return _with_name(cells, _nested(cells[NAME_COLUMN], depth)) if depth else cells


def child_cells(child: ChildSample, depth: int = 0) -> Cells:
    """A child process's cells, under a row ``depth`` deep in the tree."""
    cells = tuple(column.child_cell(child) for column in COLUMNS)
    if not depth:
        return cells
    name = cells[NAME_COLUMN]
    return _with_name(cells, Cell("  " * depth + name.text, name.style))


def _with_name(cells: Cells, name: Cell) -> Cells:
    return (*cells[:NAME_COLUMN], name, *cells[NAME_COLUMN + 1 :])


def fit(text: str, width: int, right: bool) -> tuple[str, str, str]:
    """(left padding, text, right padding) in exactly ``width`` cells: a long text is
    cut, a short one padded on the side that keeps numbers aligned."""
    if cell_len(text) >= width:
        return "", set_cell_size(text, width), ""
    padding = " " * (width - cell_len(text))
    return (padding, text, "") if right else ("", text, padding)
