"""The worker table: one row per worker, drawn line by line from plain cells.

A line-API view rather than a ``DataTable``: DataTable re-renders every visible
cell through Rich whenever any cell changes, and with uptimes ticking every
second that cost 80 ms a refresh at 100 workers (8 % of a core). Here a row is
formatted from strings only when its own cells change.

Sorting (a header click, ``<``/``>``, ``i``) and the tree view of each worker's own
child processes (``t``) are the table's own state: a refresh keeps both, and the
selected row, whatever moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mproc_tui.core.rows import WorkerRow, sort_rows, tree_order
from mproc_tui.ui.columns import (
    COLUMN_KEYS,
    COLUMNS,
    Cells,
    child_cells,
    column_of,
    worker_cells,
)
from mproc_tui.ui.table_layout import TableLayout
from mproc_tui.ui.widgets.growth import grow
from mproc_tui.ui.widgets.table_keys import TABLE_KEYS, TABLE_SCREEN_KEYS
from mproc_tui.ui.widgets.table_strips import header_strip, row_strip


def worker_row_key(worker_id: int) -> str:
    return str(worker_id)


def child_row_key(worker_id: int, pid: int) -> str:
    return f"{worker_id}/{pid}"


class WorkerTable(ScrollView, can_focus=True):
    """Rows keyed by worker id (children: ``worker/pid``); the selection follows its row."""

    BINDING_GROUP_TITLE = "Table"
    ALLOW_SELECT = False  # a drag selects nothing here: rows are chosen, logs are copied
    # The table's keys, which work wherever the focus is: its screen lends them (ui/keys.py).
    SCREEN_KEYS: ClassVar[list[Binding]] = TABLE_SCREEN_KEYS
    BINDINGS: ClassVar[list[BindingType]] = [*TABLE_KEYS]

    COMPONENT_CLASSES = {
        "worker-table--header",
        "worker-table--sorted",
        "worker-table--cursor",
        "worker-table--even-row",
        "worker-table--marked",
    }

    DEFAULT_CSS = """
    WorkerTable {
        background: $surface;
        color: $foreground;
    }
    WorkerTable > .worker-table--header {
        background: $panel;
        color: $foreground;
        text-style: bold;
    }
    WorkerTable > .worker-table--sorted {
        text-style: bold reverse;
    }
    WorkerTable > .worker-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    WorkerTable:focus > .worker-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    WorkerTable > .worker-table--marked {
        color: $warning;
        text-style: bold;
    }
    WorkerTable > .worker-table--even-row {
        background: $surface-lighten-1 20%;
    }
    """

    sort: var[tuple[str, bool]] = var(("pid", False), init=False)  # column key, descending
    tree_view: var[bool] = var(False, init=False)  # each worker's child processes under it
    # The selected worker (or the worker of the selected child): id and name, or None.
    selection: var[tuple[int, str] | None] = var(None, init=False)
    marked: var[frozenset[int]] = var(frozenset(), init=False)  # worker ids, marked by Space
    hidden_columns: var[frozenset[str]] = var(frozenset(), init=False)  # turned off (C)

    @dataclass
    class ColumnsChosen(Message):
        """``C``: the user turned columns off (``hidden``) and the rest on."""

        hidden: frozenset[str]

    @dataclass
    class ResizeRequested(Message):
        """``+``/``-``: the table wants more (1) or fewer (-1) rows of the screen."""

        step: int

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._rows: list[WorkerRow] = []
        self._cells: dict[str, Cells] = {}
        self._order: list[str] = []  # row keys, top to bottom
        self.column_layout = TableLayout()
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(2048)
        self._styles: dict[str, Style] = {}
        self.cursor_row = 0

    # -- what is selected ---------------------------------------------------------------------

    @property
    def selected_key(self) -> str | None:
        if not self._order:
            return None
        return self._order[min(self.cursor_row, len(self._order) - 1)]

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

    def row_texts(self) -> list[dict[str, str]]:
        """Every row as the user reads it, top to bottom: shown column's key -> text."""
        shown = self.column_layout.shown
        return [
            {COLUMN_KEYS[index]: self._cells[key][index].text for index in shown}
            for key in self._order
        ]

    def header_label(self, column_key: str) -> str:
        label = column_of(column_key).label
        if column_key != self.sort_column:
            return label
        return f"{label} {'▼' if self.sort_descending else '▲'}"

    # -- the cursor ---------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        """Select a row by its position; the view scrolls to keep it in sight."""
        self.cursor_row = max(0, min(len(self._order) - 1, row))
        body = self.scrollable_content_region.height - 1  # the header stays on top
        if self.cursor_row < self.scroll_y:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif body > 0 and self.cursor_row >= self.scroll_y + body:
            self.scroll_to(y=self.cursor_row - body + 1, animate=False, immediate=True)
        self.refresh()
        worker_id = self.selected_worker_id
        shown = None if worker_id is None else self.row_of(worker_id)
        self.selection = None if shown is None else (shown.worker_id, shown.name)

    def action_move_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * max(1, self.size.height - 2))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)  # None on the border or a scrollbar
        if offset is None:
            return
        if offset.y == 0:
            column = self.column_layout.column_at(offset.x, int(self.scroll_x))
            if column is not None:
                self._header_clicked(column)
            return
        row = int(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self._order):
            self.move_cursor(row)

    # -- sorting and the tree: state that redraws itself ------------------------------------

    @property
    def sort_column(self) -> str:
        return self.sort[0]

    @property
    def sort_descending(self) -> bool:
        return self.sort[1]

    def watch_sort(self) -> None:
        self._strips.clear()
        self._reorder()

    def watch_tree_view(self) -> None:
        self.show_rows(self._rows)

    def action_move_sort(self, step: int) -> None:
        """``<``/``>``: sort by the shown column to the left or right, as htop does."""
        keys = COLUMN_KEYS
        index = keys.index(self.sort_column)
        for _ in keys:
            index = (index + step) % len(keys)
            if keys[index] not in self.column_layout.hidden:
                break
        self.sort = (keys[index], self.sort_descending)

    def show_columns(self, hidden: frozenset[str]) -> None:
        """Turn columns off (``hidden``) and the rest on."""
        self.column_layout.hidden = hidden
        self._strips.clear()
        self.show_rows(self._rows)
        self.hidden_columns = self.column_layout.hidden

    def action_choose_columns(self) -> None:
        from mproc_tui.ui.screens.columns_screen import ColumnsScreen  # (a dialog: not at start)

        def chosen(hidden: frozenset[str] | None) -> None:
            if hidden is not None:
                self.show_columns(hidden)
                self.post_message(self.ColumnsChosen(self.column_layout.hidden))

        self.app.push_screen(ColumnsScreen(self.column_layout.hidden), chosen)

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width
        if width != self.column_layout.viewport:
            self.column_layout.viewport = width
            self.show_rows(self._rows)

    def action_invert_sort(self) -> None:
        self.sort = (self.sort_column, not self.sort_descending)

    def _header_clicked(self, column: str) -> None:
        """A click on a header sorts by it; a second click inverts the order."""
        self.sort = (column, column == self.sort_column and not self.sort_descending)

    def action_toggle_mark(self) -> None:
        """Space: mark or unmark the selected worker, then select the next row (as htop)."""
        worker_id = self.selected_worker_id
        if worker_id is None:
            return
        self.marked = self.marked ^ {worker_id}
        self.move_cursor(self.cursor_row + 1)

    def action_unmark_all(self) -> None:
        self.marked = frozenset()

    def marked_names(self) -> dict[int, str]:
        """The marked workers still in the table: id -> name."""
        return {row.worker_id: row.name for row in self._rows if row.worker_id in self.marked}

    def watch_marked(self) -> None:
        self.refresh()

    def action_toggle_tree(self) -> None:
        self.tree_view = not self.tree_view

    def action_resize(self, step: int) -> None:
        self.post_message(self.ResizeRequested(step))

    # -- rows ---------------------------------------------------------------------------------

    def show_rows(self, rows: list[WorkerRow]) -> None:
        """Take a new snapshot; rows whose cells did not change are not redrawn."""
        self._rows = rows
        cells: dict[str, Cells] = {}
        depths = {row.worker_id: depth for row, depth in tree_order(rows)} if self.tree_view else {}
        for row in rows:
            depth = depths.get(row.worker_id, 0)
            cells[worker_row_key(row.worker_id)] = worker_cells(row, depth)
            if self.tree_view:
                for child in row.children:
                    cells[child_row_key(row.worker_id, child.pid)] = child_cells(child, depth)
        self._cells = cells
        shown = {row.worker_id for row in rows}
        if not self.marked <= shown:  # a marked worker was cleared from the table
            self.marked = self.marked & shown
        self.column_layout.fit(cells.values())  # the name, and the state: "restarting in 4 s"
        self._reorder()

    def _reorder(self) -> None:
        """Order rows by the sort (in the tree, each under its parent, and its child
        processes under it); the selection stays."""
        selected = self.selected_key
        order: list[str] = []
        rows = sort_rows(self._rows, column_of(self.sort_column).sort, self.sort_descending)
        if self.tree_view:
            for row, _ in tree_order(rows):
                order.append(worker_row_key(row.worker_id))
                order.extend(child_row_key(row.worker_id, child.pid) for child in row.children)
        else:
            order.extend(worker_row_key(row.worker_id) for row in rows)
        self._order = order
        grow(self, Size(self.column_layout.total_width, len(order) + 1))
        if selected is not None and selected not in order:
            selected = selected.split("/")[0]  # a child that ended: stay on its worker
        self.move_cursor(order.index(selected) if selected in order else self.cursor_row)

    # -- drawing ------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def _style_of(self, part: str) -> Style:
        """The widget's own style (part ``""``) or a component's, looked up once.

        Walking the DOM for a style costs more than drawing a row from cached cells.
        """
        style = self._styles.get(part)
        if style is None:
            style = self.rich_style if not part else self.get_component_rich_style(part)
            self._styles[part] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self._style_of("")
        if y == 0:
            strip = self._header_strip()
        else:
            index = scroll_y + y - 1
            if index >= len(self._order):
                return Strip.blank(width, base)
            strip = self._row_strip(index)
        pinned = self.column_layout.pinned_width
        if scroll_x and pinned:  # PID and name stay; the rest slides under them
            strip = Strip.join([strip.crop(0, pinned), strip.crop(pinned + scroll_x)])
            return strip.crop_extend(0, width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _header_strip(self) -> Strip:
        header = self._style_of("worker-table--header")
        sorted_style = header + self._style_of("worker-table--sorted")
        widths = self._shown_widths()
        key = ("header", self.sort_column, self.sort_descending, widths, header)
        strip = self._strips.get(key)
        if strip is None:
            labels = [self.header_label(COLUMNS[index].key) for index, _ in widths]
            strip = header_strip(widths, labels, self.sort_column, header, sorted_style)
            self._strips[key] = strip
        return strip

    def _row_strip(self, index: int) -> Strip:
        row_key = self._order[index]
        cells = self._cells[row_key]
        selected = index == self.cursor_row
        even = index % 2 == 1
        marked = "/" not in row_key and int(row_key) in self.marked
        widths = self._shown_widths()
        key = (cells, selected, even, marked, widths, self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            base = self._style_of("")
            if even:
                base += self._style_of("worker-table--even-row")
            if marked:
                base += self._style_of("worker-table--marked")
            cursor = self._style_of("worker-table--cursor") if selected else None
            strip = row_strip(widths, cells, base, cursor, marked)
            self._strips[key] = strip
        return strip

    def _shown_widths(self) -> tuple[tuple[int, int], ...]:
        """(column index, width) of each shown column, left to right."""
        widths = self.column_layout.widths
        return tuple((index, widths[index]) for index in self.column_layout.shown)

    def on_focus(self) -> None:
        """The cursor's colours depend on focus (and so does this on blur)."""
        self._styles.clear()
        self.refresh()

    on_blur = on_focus
