"""The worker table: one row per worker, updated cell by cell so nothing flickers."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from mproc_tui.core.rows import WorkerRow
from mproc_tui.core.text import format_bytes, format_duration, format_exit_code, safe_text

# (key, label, width); None lets a column grow with its content (names).
COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("pid", "PID", 7),
    ("name", "Name", None),
    ("daemon", "Daemon", 6),
    ("state", "State", 10),
    ("exit", "Exit", 11),
    ("cpu", "CPU %", 6),
    ("rss", "RSS", 8),
    ("uptime", "Uptime", 8),
)

STATE_STYLES = {
    "running": "green",
    "sleeping": "cyan",
    "disk-sleep": "magenta",
    "stopped": "bold yellow",
    "zombie": "bold red",
    "starting": "dim",
    "joining": "yellow",
    "joined": "dim",
    "exited": "dim",
    "killed": "red",
}

Cells = tuple[Text, ...]


def render_cells(row: WorkerRow) -> Cells:
    """Every cell is a ``Text``: a worker's name is data, never markup."""
    exit_style = "bold red" if row.exit_code not in (None, 0) else ""
    return (
        Text(str(row.pid) if row.pid is not None else "", justify="right"),
        Text(safe_text(row.name)),
        Text("yes" if row.daemon else "no"),
        Text(row.state, style=STATE_STYLES.get(row.state, "")),
        Text(format_exit_code(row.exit_code), style=exit_style),
        Text("" if row.cpu_percent is None else f"{row.cpu_percent:.1f}", justify="right"),
        Text(format_bytes(row.rss), justify="right"),
        Text(format_duration(row.uptime), justify="right"),
    )


class WorkerTable(DataTable[Text]):
    """Rows keyed by worker id; the selected worker stays selected across refreshes."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._cells: dict[str, Cells] = {}

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    @property
    def selected_worker_id(self) -> int | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return int(row_key.value) if row_key.value is not None else None

    def show_rows(self, rows: list[WorkerRow]) -> None:
        selected = self.selected_worker_id
        wanted = {str(row.worker_id): row for row in rows}
        for key in [key for key in self._cells if key not in wanted]:
            self.remove_row(key)
            del self._cells[key]
        for key, row in wanted.items():
            cells = render_cells(row)
            previous = self._cells.get(key)
            if previous is None:
                self.add_row(*cells, key=key)
            else:
                for (column_key, _, width), old, new in zip(COLUMNS, previous, cells, strict=True):
                    if old != new:
                        self.update_cell(key, column_key, new, update_width=width is None)
            self._cells[key] = cells
        if selected is not None and str(selected) in self._cells:
            index = self.get_row_index(str(selected))
            if index != self.cursor_row:
                self.move_cursor(row=index, animate=False)
