"""--max-rss: a worker over its limit for long enough is stopped, its children counted."""

from __future__ import annotations

from collections.abc import Callable

import psutil

from mproc_tui.core.memory_limit import MemoryNote, OverLimit
from mproc_tui.core.restart_policy import Restart, RestartPolicy
from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from tests.conftest import Collector, Heard, support_target, wait_until

MB = 1 << 20


def test_only_a_worker_over_at_every_reading_for_long_enough_is_due() -> None:
    over = OverLimit(seconds=5)
    assert over.read({1: (200, 100), 2: (200, 100)}, now=0) == []
    assert over.read({1: (200, 100), 2: (50, 100)}, now=3) == []  # 2 dipped: it starts again
    assert over.read({1: (200, 100), 2: (200, 100)}, now=5) == [1]
    assert over.read({1: (200, 100), 2: (200, 100)}, now=6) == []  # 1 counts again from here
    assert over.read({2: (200, 100)}, now=10) == [2]
    assert over.read({1: (200, 100)}, now=11) == []


def test_a_growing_worker_is_stopped_then_restarted_by_its_policy(
    make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    heard: Heard[MemoryNote] = Heard()
    supervisor = make_supervisor(on_memory=heard, grace=1.0)
    policy = RestartPolicy(Restart.ON_FAILURE, max_restarts=1, backoff=0.2)
    spec = WorkerSpec(target=support_target("grows"), restart=policy, max_rss=100 * MB)
    worker_id = supervisor.spawn(spec)
    assert supervisor.join_many([worker_id], timeout=90, as_join=False)
    status = supervisor.status(worker_id)
    assert status.restarts == 1 and status.exit_code == -15  # stopped twice: no more
    assert not status.stop_requested  # a failure, not a stop on purpose
    assert len(heard.notes) == 2
    assert all(note.rss > 100 * MB and note.limit == 100 * MB for note in heard.notes)
    assert "over its --max-rss of 100.0M" in heard.notes[0].describe()
    assert collector.messages(worker_id).count("growing") == 2


def test_a_workers_children_count_toward_its_memory(
    make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    heard: Heard[MemoryNote] = Heard()
    supervisor = make_supervisor(on_memory=heard, grace=1.0)
    spec = WorkerSpec(target=support_target("child_holds_memory"), max_rss=100 * MB)
    worker_id = supervisor.spawn(spec)
    wait_until(lambda: any(m.endswith("held") for m in collector.messages(worker_id)), 30, "held")
    child = int(next(m for m in collector.messages(worker_id) if m.endswith("held")).split()[1])
    assert psutil.Process(supervisor.status(worker_id).pid or 0).memory_info().rss < 100 * MB
    assert supervisor.join_many([worker_id], timeout=60, as_join=False)
    assert supervisor.status(worker_id).exit_code in (-15, -9)
    assert len(heard.notes) == 1 and heard.notes[0].rss > 150 * MB
    wait_until(lambda: not psutil.pid_exists(child) or _zombie(child), 10, "the child gone")


def _zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
