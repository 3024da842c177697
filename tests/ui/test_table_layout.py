"""The worker table's columns without a terminal: what fits 80 cells, what stays pinned."""

from __future__ import annotations

from mproc_tui.core.rows import WorkerRow
from mproc_tui.ui.columns import worker_cells
from mproc_tui.ui.table_layout import ESSENTIAL, TableLayout


def row(name: str) -> WorkerRow:
    return WorkerRow(
        worker_id=1,
        pid=12345,
        name=name,
        daemon=False,
        state="sleeping",
        exit_code=None,
        cpu_percent=None,
        rss=None,
        uptime=None,
    )


def essential_width(layout: TableLayout) -> int:
    return sum(layout.outer(layout.shown_keys.index(key)) for key in ESSENTIAL)


def test_at_80_cells_the_essential_columns_fit_and_a_long_name_gives_way() -> None:
    layout = TableLayout()
    layout.viewport = 80
    layout.fit([worker_cells(row("a worker with a very long name indeed, longer than most"))])
    assert essential_width(layout) <= 80
    layout.fit([worker_cells(row("renamed worker"))])
    assert layout.widths[layout.shown_keys.index("name")] == len("renamed worker")


def test_hidden_columns_are_not_drawn_nor_counted() -> None:
    layout = TableLayout(hidden=["cpu", "history", "no such column"])
    assert "cpu" not in layout.shown_keys and "history" not in layout.shown_keys
    assert layout.hidden == {"cpu", "history"}
    everything = TableLayout()
    assert layout.total_width == everything.total_width - everything.outer(
        everything.shown_keys.index("cpu")
    ) - everything.outer(everything.shown_keys.index("history"))


def test_pid_and_name_stay_put_and_the_rest_scrolls_under_them() -> None:
    layout = TableLayout()
    pid, name = layout.outer(0), layout.outer(1)
    assert layout.pinned_width == pid + name
    assert layout.column_at(0, scroll_x=50) == "pid"  # pinned: scrolling does not move it
    assert layout.column_at(pid, scroll_x=50) == "name"
    assert layout.column_at(pid + name, scroll_x=0) == "daemon"
    beyond = layout.column_at(pid + name, scroll_x=layout.outer(2))
    assert beyond == "state"  # scrolled by the daemon column's width


def test_without_the_pid_the_name_alone_is_pinned() -> None:
    layout = TableLayout(hidden=["pid"])
    assert layout.pinned_width == layout.outer(1)
    assert TableLayout(hidden=["pid", "name"]).pinned_width == 0
