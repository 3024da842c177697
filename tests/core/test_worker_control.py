"""A worker's control line: its level changed while it runs, its threads' names."""

from __future__ import annotations

import logging
from collections.abc import Callable

from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from mproc_tui.core.worker_io import IO_THREAD
from tests.conftest import Collector, support_target, wait_until


def ticks_of(collector: Collector, worker_id: int, kind: str) -> list[int]:
    return [int(m.split()[1]) for m in collector.messages(worker_id) if m.startswith(f"{kind} ")]


def test_a_new_level_takes_effect_on_the_next_record(
    make_supervisor: Callable[..., Supervisor], collector: Collector, start_method: str
) -> None:
    supervisor = make_supervisor(start_method)
    worker_id = supervisor.spawn(WorkerSpec(target=support_target("ticks")))
    wait_until(lambda: len(ticks_of(collector, worker_id, "debug")) >= 5, 15, "debug ticks")
    assert supervisor.status(worker_id).level == logging.DEBUG
    supervisor.set_level(worker_id, logging.INFO)
    wait_until(lambda: supervisor.status(worker_id).level == logging.INFO, 10, "the level noted")
    wait_until(
        lambda: (
            max(ticks_of(collector, worker_id, "info"))
            > max(ticks_of(collector, worker_id, "debug")) + 20
        ),
        10,
        "20 INFO ticks without a DEBUG one",
    )
    debug, info = ticks_of(collector, worker_id, "debug"), ticks_of(collector, worker_id, "info")
    # DEBUG stopped between two records, for good: its ticks are a prefix of INFO's.
    assert debug == list(range(1, len(debug) + 1))
    assert info == list(range(1, len(info) + 1))
    supervisor.set_level(worker_id, logging.DEBUG)
    wait_until(lambda: supervisor.status(worker_id).level == logging.DEBUG, 10, "DEBUG again")
    wait_until(lambda: max(ticks_of(collector, worker_id, "debug")) > len(debug), 10, "debug again")


def test_a_worker_names_its_threads_when_asked(
    make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker_id = supervisor.spawn(WorkerSpec(target=support_target("stuck_on_a_lock")))
    wait_until(lambda: "stuck" in collector.messages(worker_id), 15, "the worker stuck")
    names = set(supervisor.thread_names(worker_id, timeout=5).values())
    assert {"MainThread", "helper", IO_THREAD} <= names


def test_a_command_is_taken_amid_a_flood_of_output(
    make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    """One thread pumps the worker's output and takes the app's commands: a command
    waits for no flood to end, and no line of the flood is lost."""
    supervisor = make_supervisor()
    flood = 200_000
    worker_id = supervisor.spawn(
        WorkerSpec(target=support_target("floods_its_stdout"), args=(flood,))
    )
    wait_until(lambda: len(collector.messages(worker_id)) >= 2000, 30, "the flood under way")
    supervisor.set_level(worker_id, logging.WARNING)
    wait_until(lambda: supervisor.status(worker_id).level == logging.WARNING, 30, "the level noted")
    # Noted amid the flood (15-66k lines in): noted after it, it would follow all of them
    # (the count can be short by one batch the listener has read but not yet handed on).
    assert collector.messages(worker_id).count("y") < flood // 2
    wait_until(lambda: collector.messages(worker_id).count("y") == flood, 60, "every line")


def test_an_ended_worker_cannot_take_a_level(
    make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker_id = supervisor.spawn(WorkerSpec(args=(0,)))
    wait_until(lambda: not supervisor.status(worker_id).alive, 15, "the worker ended")
    try:
        supervisor.set_level(worker_id, logging.INFO)
    except Exception as error:
        assert "cannot take a new level" in str(error)
    else:
        raise AssertionError("an ended worker took a level")
