"""The worker table: one row per worker, updated cell by cell so nothing flickers.

Sorting (a header click, ``<``/``>``, ``i``) and the tree view of each worker's own
child processes (``t``) are the table's own state: a refresh keeps both, and the
selected row, whatever moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from mproc_tui.core.rows import SORT_VALUES, WorkerRow, sort_rows
from mproc_tui.core.sampler import ChildSample
from mproc_tui.core.text import (
    format_bytes,
    format_duration,
    format_exit_code,
    safe_text,
    sparkline,
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None  # None lets a column grow with its content (names)
    right: bool = False  # numbers line up on the right


COLUMNS: tuple[Column, ...] = (
    Column("pid", "PID", 8, right=True),
    Column("name", "Name", None),
    Column("daemon", "Daemon", 8),
    Column("state", "State", 10),
    Column("exit", "Exit", 11),
    Column("cpu", "CPU %", 7, right=True),
    Column("history", "CPU history", 15),
    Column("rss", "RSS", 8, right=True),
    Column("threads", "Threads", 9, right=True),
    Column("uptime", "Uptime", 8, right=True),
    Column("method", "Method", 10),
    Column("children", "Children", 10, right=True),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
assert set(COLUMN_KEYS) == set(SORT_VALUES), "every column sorts"

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


class KeyedText(Text):
    """The first cell of a row, carrying the row's key: DataTable.sort gives a sort
    key function the row's cells, not its key."""

    def __init__(self, text: str, row_key: str, **kwargs: object) -> None:
        super().__init__(text, **kwargs)  # type: ignore[arg-type]
        self.row_key = row_key


Cells = tuple[Text, ...]


def worker_row_key(worker_id: int) -> str:
    return str(worker_id)


def child_row_key(worker_id: int, pid: int) -> str:
    return f"{worker_id}/{pid}"


def _number(value: object, justify: str = "right") -> Text:
    return Text("" if value is None else str(value), justify=justify)  # type: ignore[arg-type]


def render_cells(row: WorkerRow, key: str) -> Cells:
    """Every cell is a ``Text``: a worker's name is data, never markup."""
    exit_style = FAILED_STYLE if row.failed else ""
    cpu = "" if row.cpu_percent is None else f"{row.cpu_percent:.1f}"
    return (
        KeyedText(str(row.pid) if row.pid is not None else "", key, justify="right"),
        Text(safe_text(row.name)),
        Text("yes" if row.daemon else "no"),
        Text(row.state, style=STATE_STYLES.get(row.state, "")),
        Text(format_exit_code(row.exit_code), style=exit_style),
        Text(cpu, justify="right"),
        Text(sparkline(row.cpu_history), style="green"),
        Text(format_bytes(row.rss), justify="right"),
        _number(row.threads),
        Text(format_duration(row.uptime), justify="right"),
        Text(row.start_method),
        _number(len(row.children) if row.children else None),
    )


def render_child_cells(child: ChildSample, key: str) -> Cells:
    """A child process under its worker, indented by how deep it is."""
    indent = "  " * (child.depth - 1)
    cpu = "" if child.cpu_percent is None else f"{child.cpu_percent:.1f}"
    blank = Text("")
    return (
        KeyedText(str(child.pid), key, justify="right"),
        Text(f"{indent}└ {safe_text(child.name)}", style="italic"),
        blank,
        Text(child.state, style=STATE_STYLES.get(child.state, "")),
        blank,
        Text(cpu, justify="right"),
        blank,
        Text(format_bytes(child.rss), justify="right"),
        blank,
        blank,
        blank,
        blank,
    )


class WorkerTable(DataTable[Text]):
    """Rows keyed by worker id (children: ``worker/pid``); the selection follows its row."""

    @dataclass
    class SortChanged(Message):
        """The sort column or direction changed (a header click, or keys)."""

        column: str
        descending: bool

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._cells: dict[str, Cells] = {}
        self._rows: list[WorkerRow] = []
        self.sort_column = "pid"
        self.sort_descending = False
        self.tree_view = False

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(self._label(column), key=column.key, width=column.width)

    # -- what is selected -------------------------------------------------------------------

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    @property
    def selected_worker_id(self) -> int | None:
        """The selected worker, or the worker whose child process is selected."""
        key = self.selected_key
        return None if key is None else int(key.split("/")[0])

    @property
    def selected_child_pid(self) -> int | None:
        """The selected child process (tree view), or None when a worker is selected."""
        key = self.selected_key
        if key is None or "/" not in key:
            return None
        return int(key.split("/")[1])

    def rows_shown(self) -> list[WorkerRow]:
        """The workers the table shows now (the last refresh), in spawn order."""
        return list(self._rows)

    def row_of(self, worker_id: int) -> WorkerRow | None:
        return next((row for row in self._rows if row.worker_id == worker_id), None)

    # -- sorting and the tree -----------------------------------------------------------------

    def sort_by(self, column: str, descending: bool) -> None:
        self.sort_column, self.sort_descending = column, descending
        for spec in COLUMNS:
            self.columns[spec.key].label = self._label(spec)
        self._reorder(force=True)
        self.post_message(self.SortChanged(column, descending))

    def move_sort(self, step: int) -> None:
        """``<``/``>``: sort by the column to the left or right, as htop does."""
        index = (COLUMN_KEYS.index(self.sort_column) + step) % len(COLUMN_KEYS)
        self.sort_by(COLUMN_KEYS[index], self.sort_descending)

    def invert_sort(self) -> None:
        self.sort_by(self.sort_column, not self.sort_descending)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """A click on a header sorts by it; a second click inverts the order."""
        event.stop()
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.invert_sort()
        else:
            self.sort_by(column, False)

    def set_tree(self, on: bool) -> None:
        self.tree_view = on
        self.show_rows(self._rows)

    def _label(self, column: Column) -> Text:
        label = column.label
        if column.key == self.sort_column:
            label += " ▼" if self.sort_descending else " ▲"
        return Text(label, style="bold reverse" if column.key == self.sort_column else "")

    # -- rows ---------------------------------------------------------------------------------

    def show_rows(self, rows: list[WorkerRow]) -> None:
        """Update changed cells, add and remove rows, then restore order and selection."""
        selected = self.selected_key
        self._rows = rows
        wanted: dict[str, Cells] = {}
        for row in rows:
            key = worker_row_key(row.worker_id)
            wanted[key] = render_cells(row, key)
            if self.tree_view:
                for child in row.children:
                    child_key = child_row_key(row.worker_id, child.pid)
                    wanted[child_key] = render_child_cells(child, child_key)
        for key in [key for key in self._cells if key not in wanted]:
            self.remove_row(key)
            del self._cells[key]
        for key, cells in wanted.items():
            previous = self._cells.get(key)
            if previous is None:
                self.add_row(*cells, key=key)
            else:
                for column, old, new in zip(COLUMNS, previous, cells, strict=True):
                    if old != new:
                        self.update_cell(key, column.key, new, update_width=column.width is None)
            self._cells[key] = cells
        self._reorder(force=False)
        if selected is None or selected not in self._cells:
            # A child row that vanished: stay on its worker.
            selected = selected.split("/")[0] if selected else None
        if selected is not None and selected in self._cells:
            index = self.get_row_index(selected)
            if index != self.cursor_row:
                self.move_cursor(row=index, animate=False)

    def _desired_order(self) -> list[str]:
        order: list[str] = []
        for row in sort_rows(self._rows, self.sort_column, self.sort_descending):
            order.append(worker_row_key(row.worker_id))
            if self.tree_view:
                order.extend(child_row_key(row.worker_id, child.pid) for child in row.children)
        return order

    def _reorder(self, force: bool) -> None:
        """Reorder rows only when the order changed: a sort redraws the whole table."""
        selected = self.selected_key
        order = self._desired_order()
        current = [str(row.key.value) for row in self.ordered_rows]
        if order == current and not force:
            return
        position = {key: index for index, key in enumerate(order)}
        self.sort(key=lambda cells: position.get(cells[0].row_key, len(position)))
        if selected is not None and selected in position:
            self.move_cursor(row=self.get_row_index(selected), animate=False)
