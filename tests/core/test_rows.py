"""The table's model: sorting, the summary line, failure alerts and CPU history."""

from __future__ import annotations

import pytest

from mproc_tui.core.rows import (
    SORT_VALUES,
    CpuHistory,
    WorkerRow,
    newly_failed,
    sort_rows,
    summarize,
)
from mproc_tui.core.sampler import ChildSample, ProcessSample
from mproc_tui.core.text import plural, sparkline


def row(worker_id: int, **fields: object) -> WorkerRow:
    values: dict[str, object] = {
        "pid": 100 + worker_id,
        "name": f"Process-{worker_id}",
        "daemon": False,
        "state": "sleeping",
        "exit_code": None,
        "cpu_percent": 0.0,
        "rss": 1000,
        "uptime": 1.0,
    }
    values.update(fields)
    return WorkerRow(worker_id=worker_id, **values)  # type: ignore[arg-type]


CHILD = ChildSample(1, 1, 1, "python", "sleeping", 0.0, 1)


@pytest.mark.parametrize(
    ("column", "low", "high"),
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
    ],
)
def test_every_column_sorts_both_ways_and_empty_values_stay_last(
    column: str, low: dict[str, object], high: dict[str, object]
) -> None:
    empty = {"pid": None, "exit_code": None, "cpu_percent": None, "rss": None, "uptime": None}
    rows = [row(1, **high), row(2, **low)]
    if SORT_VALUES[column](row(3, **empty)) is None:
        rows.append(row(3, **empty))  # no value: last whichever the direction
    ascending = [r.worker_id for r in sort_rows(rows, column, descending=False)]
    descending = [r.worker_id for r in sort_rows(rows, column, descending=True)]
    assert ascending == [2, 1, 3][: len(rows)]
    assert descending == [1, 2, 3][: len(rows)]


def test_ties_keep_spawn_order_both_ways() -> None:
    rows = [row(3), row(1), row(2)]
    assert [r.worker_id for r in sort_rows(rows, "cpu", descending=True)] == [1, 2, 3]


def test_summary_counts_running_exited_and_failed() -> None:
    rows = [row(1), row(2, exit_code=0), row(3, exit_code=1), row(4, exit_code=-9)]
    assert summarize(rows) == "1 running · 1 exited · 2 failed"


def test_summary_counts_what_mproc_tui_stopped_apart_from_failures() -> None:
    rows = [
        row(1, exit_code=-15, stop_requested=True),
        row(2, exit_code=-9, stop_requested=True),
        row(3, exit_code=0, stop_requested=True),  # it ended on its own first: exited
        row(4, exit_code=1),
    ]
    assert summarize(rows) == "0 running · 1 exited · 1 failed · 2 terminated"


def test_a_failure_is_reported_once_and_not_when_the_app_stopped_it() -> None:
    before = {1: row(1), 2: row(2), 3: row(3)}
    now = [row(1, exit_code=1), row(2, exit_code=-15, stop_requested=True), row(3, exit_code=0)]
    assert [r.worker_id for r in newly_failed(before, now)] == [1]
    assert newly_failed({r.worker_id: r for r in now}, now) == []
    assert [r.worker_id for r in newly_failed({}, [row(4, exit_code=-9)])] == [4]


def test_cpu_history_keeps_the_last_readings_until_the_worker_is_cleared() -> None:
    history = CpuHistory(length=3)
    for value in (1.0, 2.0, 3.0, 4.0):
        history.record({7: ProcessSample(7, "running", value, 1, 1)})
    history.record({7: ProcessSample(7, "running", None, 1, 1)})  # no reading: nothing added
    assert history.of(7) == (2.0, 3.0, 4.0)
    history.keep_only([8])
    assert history.of(7) == ()


def test_sparkline_grows_a_cell_per_group_and_shows_each_groups_peak() -> None:
    assert sparkline([]) == ""
    assert sparkline([0.0]) == "▁"
    assert sparkline([0.0] * 5, per_cell=4) == "▁▁"
    assert sparkline([100.0, 0.0, 0.0, 0.0, 0.0], per_cell=4) == "█▁"
    assert sparkline([250.0], per_cell=1) == "█"  # many threads: capped
    assert len(sparkline([1.0] * 1000, width=15, per_cell=4)) == 15


def test_plural_of_words_ending_in_s() -> None:
    assert plural(2, "child process") == "2 child processes"
    assert plural(1, "child process") == "1 child process"
    assert plural(3, "worker") == "3 workers"
