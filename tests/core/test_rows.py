"""The table's model: sorting ties, failure alerts, CPU history and shared formats."""

from __future__ import annotations

from mproc_tui.core.program import ProgramProcessStatus
from mproc_tui.core.rows import (
    CpuHistory,
    WorkerRow,
    newly_failed,
    program_rows,
    sort_rows,
    started_by,
    tree_order,
)
from mproc_tui.core.samples import ChildSample, ProcessSample
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


def test_ties_keep_spawn_order_both_ways() -> None:
    rows = [row(3), row(1), row(2)]
    assert [r.worker_id for r in sort_rows(rows, lambda r: r.cpu_percent, descending=True)] == [
        1,
        2,
        3,
    ]


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


def test_the_tree_puts_each_row_under_the_one_that_started_it_in_the_order_given() -> None:
    main, pool_a, pool_b = row(10), row(11, parent_id=10), row(12, parent_id=10)
    grandchild, worker, orphan = row(13, parent_id=11), row(1), row(14, parent_id=99)
    given = [worker, pool_b, main, grandchild, orphan, pool_a]
    assert [(r.worker_id, depth) for r, depth in tree_order(given)] == [
        (1, 0),
        (10, 0),
        (12, 1),
        (11, 1),
        (13, 2),
        (14, 0),  # its parent is not a row: at the top
    ]


def test_rows_whose_parents_loop_are_still_shown() -> None:
    looped = [row(1, parent_id=2), row(2, parent_id=1), row(3)]
    assert sorted(r.worker_id for r, _ in tree_order(looped)) == [1, 2, 3]


def _process(row_id: int, pid: int, parent: int | None) -> ProgramProcessStatus:
    return ProgramProcessStatus(
        row_id, pid, parent, f"p{pid}", False, "Process", "fork", 0.0, None, None, None
    )


def _child(pid: int, parent: int, depth: int) -> ChildSample:
    return ChildSample(pid, parent, depth, f"c{pid}", "sleeping", 0.0, 1)


def test_a_programs_rows_name_their_parents_and_children_that_are_rows_are_not_repeated() -> None:
    statuses = [_process(1, 500, None), _process(2, 501, 500), _process(3, 502, 501)]
    children = (_child(501, 500, 1), _child(502, 501, 2), _child(600, 502, 3), _child(700, 500, 1))
    samples = {1: ProcessSample(500, "sleeping", 0.0, 1, 1, children)}
    rows = {r.worker_id: r for r in program_rows(statuses, samples, now=1.0)}
    assert [rows[i].parent_id for i in (1, 2, 3)] == [None, 1, 2]
    # 501 and 502 are rows, 600 is under a row: only the subprocess 700 is main's own
    assert [child.pid for child in rows[1].children] == [700]


def test_what_a_process_started_is_its_child_processes_and_the_rows_under_it() -> None:
    main = row(10, children=(_child(700, 110, 1),))
    rows = [
        main,
        row(11, parent_id=10),
        row(12, parent_id=11),
        row(13, parent_id=10, exit_code=0),  # ended: nothing to signal
        row(1),
    ]
    assert sorted(started_by(rows, 10)) == [(111, "Process-11"), (112, "Process-12"), (700, "c700")]
    assert started_by(rows, 1) == []
