"""Every signal, a worker's own children with it, a per-worker start method, restart."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import psutil

from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.workers import Lifecycle, WorkerSpec
from tests.conftest import Collector, support_target, wait_until

MakeSupervisor = Callable[..., Supervisor]


def _state(pid: int) -> str:
    return str(psutil.Process(pid).status())


def test_stop_and_continue_with_the_workers_children(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(WorkerSpec(target="mproc_tui.catalog:spawn_children"))
    wait_until(lambda: len(collector.of(worker)) >= 2, 10, "two children started")
    pid = supervisor.status(worker).pid or 0
    children = psutil.Process(pid).children()
    assert len(children) == 2

    assert supervisor.send_signal(worker, signal.SIGSTOP, with_children=True) == 3
    wait_until(
        lambda: all(_state(p) == "stopped" for p in [pid, *(c.pid for c in children)]),
        5,
        "worker and children stopped",
    )
    supervisor.send_signal(worker, signal.SIGCONT, with_children=True)
    wait_until(
        lambda: all(_state(p) != "stopped" for p in [pid, *(c.pid for c in children)]),
        5,
        "worker and children running again",
    )
    supervisor.send_signal(worker, signal.SIGKILL, with_children=True)
    assert supervisor.join(worker, timeout=10) == -signal.SIGKILL
    wait_until(lambda: not any(c.is_running() and c.status() != "zombie" for c in children), 5, "")


def test_user_signals_and_interrupt(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    for number in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP):
        worker = supervisor.spawn(WorkerSpec(args=(60,)))
        time.sleep(0.2)
        supervisor.send_signal(worker, number)
        assert supervisor.join(worker, timeout=10) == -number
    interrupted = supervisor.spawn(WorkerSpec(args=(60,)))
    time.sleep(0.3)
    supervisor.send_signal(interrupted, signal.SIGINT)
    assert supervisor.join(interrupted, timeout=10) == 1  # KeyboardInterrupt in the target


def test_a_worker_can_ask_for_its_own_start_method(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor("forkserver")
    worker = supervisor.spawn(WorkerSpec(args=(0,), start_method="spawn"))
    assert supervisor.join(worker, timeout=10) == 0
    assert supervisor.wait_logs_drained(worker, 5)
    assert collector.messages(worker) == ["start", "end"]


def test_respawn_starts_a_new_process_and_keeps_the_old_row(
    make_supervisor: MakeSupervisor,
) -> None:
    supervisor = make_supervisor()
    old = supervisor.spawn(WorkerSpec(args=(60,), name="steady"))
    supervisor.send_signal(old, signal.SIGKILL)
    supervisor.join(old, timeout=10)
    new = supervisor.respawn(old)
    statuses = {status.worker_id: status for status in supervisor.poll()}
    assert statuses[old].lifecycle is Lifecycle.JOINED
    assert statuses[new].lifecycle is Lifecycle.RUNNING
    assert statuses[new].name == "steady"
    assert statuses[new].pid != statuses[old].pid


def test_a_restarted_worker_keeps_its_automatic_name(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    old = supervisor.spawn(WorkerSpec(args=(60,)))  # named Process-N by multiprocessing
    name = supervisor.status(old).name
    assert name.startswith("Process-")
    supervisor.stop([old], grace=1.0)
    new = supervisor.respawn(old)
    assert supervisor.status(new).name == name


def test_with_children_each_process_gets_the_signal_once(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(WorkerSpec(target=support_target("count_rtmin")))
    wait_until(lambda: "ready" in collector.messages(worker), 10, "the worker to be ready")
    supervisor.send_signal(worker, signal.SIGRTMIN, with_children=True)
    wait_until(
        lambda: any(m.startswith("deliveries") for m in collector.messages(worker)),
        10,
        "the count",
    )
    assert "deliveries 1" in collector.messages(worker)


def test_a_stop_signal_marks_the_worker_as_stopped_on_purpose(
    make_supervisor: MakeSupervisor,
) -> None:
    supervisor = make_supervisor()
    paused, ended = (supervisor.spawn(WorkerSpec(args=(60,))) for _ in range(2))
    supervisor.send_signal(paused, signal.SIGSTOP)
    supervisor.send_signal(paused, signal.SIGCONT)
    supervisor.send_signal(ended, signal.SIGTERM)
    supervisor.join(ended, timeout=10)
    assert not supervisor.status(paused).stop_requested
    assert supervisor.status(ended).stop_requested
    assert supervisor.status(ended).exit_code == -signal.SIGTERM


def test_sigterm_ends_a_fork_worker(make_supervisor: MakeSupervisor, start_method: str) -> None:
    supervisor = make_supervisor(start_method)
    worker = supervisor.spawn(WorkerSpec(args=(60,)))
    time.sleep(0.3)
    supervisor.send_signal(worker, signal.SIGTERM)
    assert supervisor.join(worker, timeout=10) == -15
