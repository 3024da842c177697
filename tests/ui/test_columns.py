"""The table's columns: every column sorts both ways, and fills worker and child rows."""

from __future__ import annotations

import pytest

from mproc_tui.core.rows import sort_rows
from mproc_tui.core.samples import ChildSample
from mproc_tui.ui.columns import COLUMN_KEYS, child_cells, column_of, worker_cells
from tests.core.test_rows import row

CHILD = ChildSample(1, 1, 1, "python", "sleeping", 0.0, 1)


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        ("pid", {"pid": 5}, {"pid": 9}),
        ("name", {"name": "alpha"}, {"name": "Beta"}),  # case does not matter
        ("daemon", {"daemon": False}, {"daemon": True}),
        ("state", {"state": "running"}, {"state": "sleeping"}),
        ("exit", {"exit_code": -9}, {"exit_code": 1}),
        ("cpu", {"cpu_percent": 2.0}, {"cpu_percent": 30.0}),
        ("history", {"cpu_history": (1.0, 1.0)}, {"cpu_history": (50.0,)}),
        ("rss", {"rss": 10}, {"rss": 20}),
        ("threads", {"threads": 1}, {"threads": 4}),
        ("uptime", {"uptime": 2.0}, {"uptime": 90.0}),
        ("method", {"start_method": "fork"}, {"start_method": "spawn"}),
        ("children", {"children": ()}, {"children": (CHILD,)}),
        ("kind", {"kind": "Main"}, {"kind": "Pool"}),
    ],
)
def test_every_column_sorts_both_ways_and_empty_values_stay_last(
    key: str, low: dict[str, object], high: dict[str, object]
) -> None:
    empty = {"pid": None, "exit_code": None, "cpu_percent": None, "rss": None, "uptime": None}
    rows = [row(1, **high), row(2, **low)]
    if column_of(key).sort(row(3, **empty)) is None:
        rows.append(row(3, **empty))  # no value: last whichever the direction
    ascending = [r.worker_id for r in sort_rows(rows, column_of(key).sort, descending=False)]
    descending = [r.worker_id for r in sort_rows(rows, column_of(key).sort, descending=True)]
    assert ascending == [2, 1, 3][: len(rows)]
    assert descending == [1, 2, 3][: len(rows)]


def test_every_column_has_a_cell_for_workers_and_for_child_processes() -> None:
    worker = worker_cells(row(1, name="[@click=app.quit]x\x1b[2J", cpu_percent=12.345))
    cells = dict(zip(COLUMN_KEYS, worker, strict=True))
    assert cells["name"].text == "[@click=app.quit]x\\x1b[2J"  # data, never markup
    assert cells["cpu"].text == "12.3"
    grandchild = ChildSample(7, 6, 2, "sh", "zombie", None, 2048)
    child = dict(zip(COLUMN_KEYS, child_cells(grandchild), strict=True))
    assert child["pid"].text == "7"
    assert child["name"].text == "  └ sh"
    assert child["state"].style  # a zombie is a badge
    assert child["rss"].text == "2.0K"
    assert child["daemon"].text == child["exit"].text == ""
