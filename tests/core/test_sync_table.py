"""A watched program's locks: holders and waiters read from the shared file, deadlocks named."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mproc_tui.core.program import ProgramRun
from mproc_tui.core.sync_table import (
    Primitive,
    SyncFile,
    SyncState,
    Wait,
    deadlocks,
    describe_deadlock,
    panel_lines,
    wait_text,
)
from tests.support.waiting import wait_until

LOCK = 1


def lock(number: int, holder: int) -> Primitive:
    return Primitive(number, LOCK, "deadlock.py:9", 1, holder, 1 if holder else 0, 100.0)


def test_a_cycle_of_two_is_a_deadlock_once_both_waits_last_a_second() -> None:
    state = SyncState(
        {1: lock(1, holder=10), 2: lock(2, holder=20)},
        (Wait(10, 2, since=100.0), Wait(20, 1, since=100.5)),
    )
    assert deadlocks(state, now=101.2) == []  # the second wait is 0.7 s old
    (cycle,) = deadlocks(state, now=101.6)
    assert {wait.pid for wait in cycle} == {10, 20}
    text = describe_deadlock(state, cycle, {10: "first", 20: "second"})
    assert "first (10) holds Lock#1 and waits for Lock#2" in text
    assert "second (20) holds Lock#2 and waits for Lock#1" in text


def test_a_wait_on_a_free_or_unheld_primitive_is_no_deadlock() -> None:
    state = SyncState(
        {1: lock(1, holder=0), 2: lock(2, holder=10)},
        (Wait(10, 1, since=0.0), Wait(20, 2, since=0.0), Wait(30, 2, since=0.0)),
    )
    assert deadlocks(state, now=100.0) == []  # a chain that ends, not a cycle
    assert wait_text(state, 20, {10: "Process-3"}, now=12.4) == (
        "waiting: Lock#2 (held by Process-3, 12 s)"
    )
    assert wait_text(state, 10, {}, now=5.0) == "waiting: Lock#1 (5 s)"
    assert wait_text(state, 99, {}) == ""


def test_three_in_a_ring() -> None:
    state = SyncState(
        {1: lock(1, 10), 2: lock(2, 20), 3: lock(3, 30)},
        (Wait(10, 2, 0.0), Wait(20, 3, 0.0), Wait(30, 1, 0.0), Wait(40, 1, 0.0)),
    )
    (cycle,) = deadlocks(state, now=10.0)
    assert sorted(wait.pid for wait in cycle) == [10, 20, 30]  # 40 waits, but is not in it


Watch = Callable[..., ProgramRun]


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_two_workers_taking_two_locks_in_opposite_order_are_named_within_3_s(
    method: str, run_program: Watch
) -> None:
    run = run_program("deadlock.py", method)
    found: list[str] = []

    def named() -> bool:
        state = run.sync.read()
        names = {status.pid: status.name for status in run.poll()}
        cycles = deadlocks(state, time.time())
        found[:] = [describe_deadlock(state, cycle, names) for cycle in cycles]
        return bool(found) and "first" in found[0] and "second" in found[0]

    both_waiting = time.monotonic()
    wait_until(named, 30, "the deadlock named")
    text = found[0]
    assert "Lock#1" in text and "Lock#2" in text
    assert "holds Lock#1 and waits for Lock#2" in text
    assert "holds Lock#2 and waits for Lock#1" in text
    # Both hold one lock at once (a barrier), then a cycle counts after 1 s: named well
    # within 3 s of the program's start on a quiet machine; the bound is for a busy one.
    assert time.monotonic() - both_waiting < 30


def test_the_panel_says_who_holds_who_waits_and_highlights_long_waits() -> None:
    state = SyncState(
        {
            1: lock(1, holder=10),
            2: Primitive(2, 2, "rlock.py:5", 1, 20, 2, 99.0),
            3: Primitive(3, 3, "room.py:7", 1, 30, 0, 99.5),
            4: Primitive(4, 6, "go.py:3", 1, 0, 0, 0.0),
        },
        (Wait(20, 1, since=94.0), Wait(40, 3, since=99.0), Wait(50, 4, since=99.9)),
    )
    names = {10: "Process-1", 20: "Process-2", 40: "Process-4", 50: "Process-5"}
    lines = panel_lines(state, names, now=100.0)
    assert lines[0] == (
        "Lock#1 (deadlock.py:9): held by Process-1 for 0.0 s; waiting: Process-2 6.0 s",
        True,
    )
    assert lines[1] == ("RLock#2 (rlock.py:5): held by Process-2 for 1.0 s, depth 2", False)
    assert lines[2] == ("Semaphore#3 (room.py:7): value 0; waiting: Process-4 1.0 s", False)
    assert lines[3] == ("Event#4 (go.py:3): clear; waiting: Process-5 0.1 s", False)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_values_arrays_and_queues_say_what_they_hold(method: str, run_program: Watch) -> None:
    run = run_program("holders.py", method)
    assert run.ended.wait(60), "the program did not end"
    state = run.sync.read()
    shown = {primitive.name: primitive for primitive in state.primitives.values()}
    assert set(shown) == {"Value#1", "Array#2", "Queue#3", "Barrier#4"}  # no lock of theirs
    assert shown["Value#1"].contents == "2000"  # each worker added 1,000, under its lock
    assert shown["Array#2"].contents == "[0, 1, 4, 9]"
    assert shown["Queue#3"].count == 2  # two put, none taken
    assert shown["Queue#3"].site == "holders.py:21"
    assert (shown["Barrier#4"].count, shown["Barrier#4"].contents) == (3, "broken")
    lines = [text for text, _ in panel_lines(state, {}, now=time.time())]
    assert lines[3] == "Barrier#4 (holders.py:30): 0 of 3 parties waiting; broken"


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_a_pipe_says_which_process_holds_each_end_and_a_manager_its_proxies(
    method: str, run_program: Watch
) -> None:
    run = run_program("links.py", method)
    assert run.ended.wait(60), "the program did not end"
    assert run.returncode == 0
    state = run.sync.read()
    shown = {primitive.name: primitive for primitive in state.primitives.values()}
    assert set(shown) == {"Pipe#1", "Manager#2"}  # no pipe of a queue's or the manager's own
    pids = {status.name: status.pid for status in run.poll()}
    pipe = shown["Pipe#1"]
    assert (pipe.holder, pipe.count) == (pids["ping"], pids["pong"])
    assert pipe.sent == (4, 3)  # three numbers and the end; three answers
    manager = shown["Manager#2"]
    assert manager.contents == "dict, list" and manager.count == 2
    assert manager.holder == 0  # shut down as the program left its with block
    names = {pid: name for name, pid in pids.items()}
    lines = [text for text, _ in panel_lines(state, names, now=time.time())]
    assert lines[0].endswith("end 1 in ping (sent 4), end 2 in pong (sent 3)")
    assert lines[1].endswith("shut down; proxies: dict, list")


def test_a_closed_file_reads_as_nothing(tmp_path: Path) -> None:
    shared = SyncFile(str(tmp_path))
    assert shared.read().primitives == {}
    shared.close()
    assert shared.read() == SyncState()
