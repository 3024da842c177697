"""Many workers in one go: in order, two starts in flight under forkserver, channels made
ahead, nothing left open by a batch cut short."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable

import psutil
import pytest

from mproc_tui.core import limits
from mproc_tui.core.channel_maker import ChannelMaker
from mproc_tui.core.process_control import create_time_of
from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.workers import WorkerSpec
from tests.conftest import Collector, wait_until

MakeSupervisor = Callable[..., Supervisor]
SLEEPER = WorkerSpec(args=(60,))


def test_a_batch_starts_every_worker_in_order_with_its_record(
    make_supervisor: MakeSupervisor, collector: Collector, start_method: str
) -> None:
    supervisor = make_supervisor(start_method)
    specs = [SLEEPER] * 24 + [WorkerSpec(args=(60,), name="renamed worker")]
    started, refusal = supervisor.spawn_all(specs)
    assert refusal is None
    assert started == list(range(1, 26))
    statuses = {status.worker_id: status for status in supervisor.poll()}
    numbers = [int(statuses[worker_id].name.split("-")[1]) for worker_id in started[:-1]]
    assert numbers == sorted(numbers) and len(set(numbers)) == 24  # named in the order given
    assert statuses[25].name == "renamed worker"
    for status in statuses.values():
        assert psutil.Process(status.pid).create_time() == status.create_time
    wait_until(
        lambda: all(collector.messages(worker_id) for worker_id in started), 60, "every start"
    )
    assert all(collector.messages(worker_id)[0] == "start" for worker_id in started)


def test_a_refusal_ends_the_batch_where_it_stands(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor("forkserver")
    before = len(os.listdir("/proc/self/fd"))
    bad = WorkerSpec(target="no_colon_here")
    started, refusal = supervisor.spawn_all([SLEEPER] * 6 + [bad] + [SLEEPER] * 6)
    assert refusal is not None and "no_colon_here" in str(refusal)
    assert started == list(range(1, 7))  # the six before it, and none after
    assert {status.worker_id for status in supervisor.poll()} == set(started)
    wait_until(
        lambda: all(collector.messages(worker_id) for worker_id in started), 30, "six starts"
    )
    # The channels made ahead for the ones never started are closed: five descriptors a
    # worker started (channel, control line, the helpers' first pipes aside), no more.
    assert len(os.listdir("/proc/self/fd")) - before <= 6 * 5 + 16


def test_until_stops_a_batch_between_starts(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor("forkserver")
    asked: list[int] = []

    def enough() -> bool:
        asked.append(1)
        return len(asked) > 4

    started, refusal = supervisor.spawn_all([SLEEPER] * 20, until=enough)
    assert refusal is None
    assert len(started) == 4 and len(supervisor.poll()) == 4


def test_the_channel_maker_hands_pairs_in_order_and_closes_the_rest() -> None:
    contexts = [multiprocessing.get_context("forkserver")] * 10
    before = set(os.listdir("/proc/self/fd"))
    maker = ChannelMaker(contexts, ahead=3)
    first, second = maker.take(), maker.take()
    assert first is not None and second is not None
    assert first[0].stream < second[0].stream  # made in order
    for channel, control in (first, second):
        channel.close()
        control.close()
    maker.close()
    wait_until(lambda: set(os.listdir("/proc/self/fd")) <= before, 10, "all closed")


def test_the_channel_maker_says_none_once_its_contexts_are_used() -> None:
    maker = ChannelMaker([multiprocessing.get_context("fork")])
    made = maker.take()
    assert made is not None
    assert maker.take() is None and maker.take() is None
    made[0].close()
    made[1].close()
    maker.close()


@pytest.mark.parametrize("pid", [1, os.getpid()])
def test_create_time_is_psutils_to_the_last_digit(pid: int) -> None:
    assert create_time_of(pid) == psutil.Process(pid).create_time()


def test_create_time_of_a_pid_that_is_gone_is_none() -> None:
    process = multiprocessing.get_context("fork").Process(target=int)
    process.start()
    process.join()
    assert create_time_of(process.pid) is None


def test_control_groups_are_read_now_and_then_far_from_their_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (a policy over two numbers a file gives: the files are what is replaced)
    reads: list[int] = []
    room = {"current": 100}

    def pid_limits() -> list[tuple[int, int]]:
        reads.append(1)
        return [(10_000, room["current"])]

    monkeypatch.setattr(limits, "_cgroup_pid_limits", pid_limits)
    headroom = limits.StartHeadroom()
    for _ in range(100):
        assert headroom.refusal() is None
        headroom.started()
    assert 2 <= len(reads) <= 4  # the first start, then every RECOUNT_EVERY
    room["current"] = 10_000 - 300  # near: read at every start, and refused in time
    reads.clear()
    refusals = []
    for _ in range(60):
        refusals.append(headroom.refusal())
        headroom.started()
        room["current"] += limits.WORKER_TASKS
    assert len(reads) >= 50
    assert any(refusal and "pids.max" in refusal for refusal in refusals)
