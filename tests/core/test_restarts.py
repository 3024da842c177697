"""Restart policies on real workers: in place, slowing down, never after a stop on purpose."""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable

from mproc_tui.core.restart_policy import Restart, RestartNote, RestartPolicy
from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from tests.conftest import Collector, Heard, support_target, wait_until


def crasher(policy: RestartPolicy) -> WorkerSpec:
    return WorkerSpec(target="mproc_tui.catalog:crasher", args=(0.1,), restart=policy)


def runs(collector: Collector, worker_id: int) -> list[float]:
    """When each run logged its first record."""
    return [
        entry.created
        for entry in collector.entries
        if entry.worker_id == worker_id and entry.message.startswith("crashing")
    ]


def test_a_crash_loop_restarts_in_place_more_slowly_up_to_its_limit(
    make_supervisor: Callable[..., Supervisor], collector: Collector, start_method: str
) -> None:
    notes: Heard[RestartNote] = Heard()
    supervisor = make_supervisor(start_method, on_restart=notes)
    policy = RestartPolicy(Restart.ON_FAILURE, max_restarts=3, backoff=0.3)
    worker_id = supervisor.spawn(crasher(policy))
    first = supervisor.status(worker_id)
    assert supervisor.join_many([worker_id], timeout=60, as_join=False)
    status = supervisor.status(worker_id)
    assert status.restarts == 3 and status.exit_code == 1 and status.restart_at is None
    assert status.name == first.name and status.pid != first.pid  # one row, a new process
    assert [status.worker_id for status in supervisor.poll()] == [worker_id]
    assert [note.delay for note in notes.notes] == [0.3, 0.6, 1.2, None]
    started = runs(collector, worker_id)
    assert len(started) == 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
    # Each run starts no sooner than its delay after the last one's crash (0.1 s in).
    assert all(gap >= delay + 0.1 for gap, delay in zip(gaps, (0.3, 0.6, 1.2), strict=True))


def test_a_worker_killed_on_purpose_is_not_restarted_and_one_killed_by_another_is(
    make_supervisor: Callable[..., Supervisor],
) -> None:
    supervisor = make_supervisor()
    policy = RestartPolicy(Restart.ON_FAILURE, backoff=0)
    on_purpose = supervisor.spawn(WorkerSpec(args=(60,), restart=policy))
    by_another = supervisor.spawn(WorkerSpec(args=(60,), restart=policy))
    supervisor.send_signal(on_purpose, signal.SIGKILL)  # K
    pid = supervisor.status(by_another).pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # the OOM killer, or a user in another terminal
    wait_until(lambda: supervisor.status(by_another).restarts == 1, 20, "the restart")
    wait_until(lambda: supervisor.status(by_another).alive, 20, "the new run")
    killed = supervisor.status(on_purpose)
    assert killed.exit_code == -9 and killed.restarts == 0 and killed.restart_at is None
    assert killed.stop_requested


def test_a_waiting_restart_is_cancelled_by_a_stop_and_always_restarts_a_clean_exit(
    make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    supervisor = make_supervisor()
    policy = RestartPolicy(Restart.ALWAYS, backoff=30)
    worker_id = supervisor.spawn(
        WorkerSpec(target=support_target("exits_after"), args=(0.1, 0), restart=policy)
    )
    wait_until(lambda: supervisor.status(worker_id).restart_at is not None, 20, "the wait")
    assert supervisor.waiting_worker_ids() == [worker_id]
    assert supervisor.status(worker_id).exit_code == 0  # always: a clean exit comes back too
    report = supervisor.stop([worker_id], grace=1.0)  # T
    assert report.signalled == 0  # nothing ran: the wait was cancelled
    status = supervisor.status(worker_id)
    assert status.restart_at is None and status.stop_requested
    assert supervisor.join_many([worker_id], timeout=5)
    assert supervisor.waiting_worker_ids() == []


def test_a_join_is_final(make_supervisor: Callable[..., Supervisor]) -> None:
    supervisor = make_supervisor()
    policy = RestartPolicy(Restart.ON_FAILURE, backoff=0)
    spec = WorkerSpec(target="mproc_tui.catalog:crasher", args=(2.0,), restart=policy)
    worker_id = supervisor.spawn(spec)
    assert supervisor.join(worker_id, timeout=30) == 1  # asked long before it crashes
    status = supervisor.status(worker_id)
    assert status.restarts == 0 and status.restart_at is None
