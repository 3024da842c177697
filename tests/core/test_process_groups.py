"""What a worker starts goes down with it when the worker is stopped or the app ends."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

import psutil

from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from tests.conftest import Collector, wait_until

MakeSupervisor = Callable[..., Supervisor]
CHILDREN = WorkerSpec(target="mproc_tui.catalog:spawn_children")


def _children_of(supervisor: Supervisor, collector: Collector, worker: int) -> list[psutil.Process]:
    wait_until(lambda: len(collector.of(worker)) >= 2, 10, "two children started")
    return psutil.Process(supervisor.status(worker).pid or 0).children()


def _gone(processes: list[psutil.Process]) -> bool:
    _, alive = psutil.wait_procs(processes, timeout=5)
    return all(p.status() == psutil.STATUS_ZOMBIE for p in alive)


def test_each_worker_leads_its_own_process_group(
    make_supervisor: MakeSupervisor, start_method: str
) -> None:
    supervisor = make_supervisor(start_method)
    worker = supervisor.spawn(WorkerSpec(args=(30,)))
    pid = supervisor.status(worker).pid or 0
    wait_until(lambda: os.getpgid(pid) == pid, 5, "the worker to lead its group")
    assert os.getpgid(pid) != os.getpgrp()


def test_stopping_a_worker_takes_its_children(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(CHILDREN)
    children = _children_of(supervisor, collector, worker)
    assert len(children) == 2
    report = supervisor.stop([worker], grace=2.0)
    assert report.signalled == 1
    assert _gone(children)


def test_shutdown_takes_the_children_of_a_worker_killed_alone(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(CHILDREN)
    children = _children_of(supervisor, collector, worker)
    # K: the worker alone; its children are orphaned...
    supervisor.send_signal(worker, signal.SIGKILL)
    assert supervisor.join(worker, timeout=10) == -signal.SIGKILL
    assert all(child.is_running() for child in children)
    supervisor.clear_finished()  # ...and forgotten by the table
    supervisor.shutdown(grace=1.0)
    assert _gone(children)  # but not by the app


def test_a_killed_worker_is_seen_dead_though_its_children_live(
    make_supervisor: MakeSupervisor, collector: Collector, start_method: str
) -> None:
    """Under fork and spawn the children hold the worker's sentinel pipe open."""
    supervisor = make_supervisor(start_method)
    worker = supervisor.spawn(CHILDREN)
    children = _children_of(supervisor, collector, worker)
    supervisor.send_signal(worker, signal.SIGKILL)
    assert supervisor.join(worker, timeout=5) == -signal.SIGKILL
    assert all(child.is_running() for child in children)
    supervisor.shutdown(grace=1.0)
    assert _gone(children)
