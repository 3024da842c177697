"""Supervisor with real processes: spawn, signals, join, exit codes, lifecycle."""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable

import psutil
import pytest

from mproc_tui.core.garbage import PYTHON_THRESHOLDS, tune_garbage_collector
from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.workers import Lifecycle, SupervisorError, WorkerSpec
from tests.conftest import Collector, support_target, wait_until

MakeSupervisor = Callable[..., Supervisor]


def test_lesson_runs_under_every_start_method(
    make_supervisor: MakeSupervisor, collector: Collector, start_method: str
) -> None:
    supervisor = make_supervisor(start_method)
    first = supervisor.spawn(
        WorkerSpec(target="mproc_tui.catalog:worker1", args=(0.2,), daemon=True)
    )
    second = supervisor.spawn(
        WorkerSpec(target="mproc_tui.catalog:worker2", args=(0.2,), name="renamed worker")
    )
    assert supervisor.join(first, timeout=10) == 0
    assert supervisor.join(second, timeout=10) == 0
    assert supervisor.wait_logs_drained(first, 5) and supervisor.wait_logs_drained(second, 5)

    first_status, second_status = supervisor.status(first), supervisor.status(second)
    assert first_status.name.startswith("Process-")
    assert first_status.daemon is True
    assert second_status.name == "renamed worker"
    assert second_status.daemon is False
    assert first_status.lifecycle is Lifecycle.JOINED
    assert collector.messages(first) == ["start", "end"]
    assert collector.messages(second) == ["start", "end"]
    assert {entry.process_name for entry in collector.of(second)} == {"renamed worker"}


def test_workers_are_descendants_and_signals_name_exit_codes(
    make_supervisor: MakeSupervisor,
) -> None:
    supervisor = make_supervisor()
    terminated = supervisor.spawn(WorkerSpec(args=(60,)))
    killed = supervisor.spawn(WorkerSpec(args=(60,)))
    descendants = {p.pid for p in psutil.Process().children(recursive=True)}
    statuses = {s.worker_id: s for s in supervisor.poll()}
    assert statuses[terminated].pid in descendants
    assert statuses[killed].pid in descendants

    supervisor.send_signal(terminated, signal.SIGTERM)
    supervisor.send_signal(killed, signal.SIGKILL)
    assert supervisor.join(terminated, timeout=10) == -signal.SIGTERM
    assert supervisor.join(killed, timeout=10) == -signal.SIGKILL
    assert not psutil.pid_exists(statuses[killed].pid) or (
        psutil.Process(statuses[killed].pid).create_time() > statuses[killed].started_at + 1
    )


def test_exit_code_lifecycle_and_clear(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    clean = supervisor.spawn(WorkerSpec(target=support_target("exit_with"), args=(0,)))
    failing = supervisor.spawn(WorkerSpec(target=support_target("exit_with"), args=(3,)))
    running = supervisor.spawn(WorkerSpec(args=(60,)))
    wait_until(
        lambda: (
            supervisor.status(clean).exit_code is not None
            and supervisor.status(failing).exit_code is not None
        ),
        10,
        "both short workers to exit",
    )
    assert supervisor.status(clean).lifecycle is Lifecycle.EXITED
    assert supervisor.status(failing).exit_code == 3
    assert supervisor.status(running).lifecycle is Lifecycle.RUNNING

    assert sorted(supervisor.clear_finished()) == sorted([clean, failing])
    assert [s.worker_id for s in supervisor.poll()] == [running]


def test_uncaught_exception_gives_exit_code_one_and_a_traceback_record(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(WorkerSpec(target="mproc_tui.catalog:crasher", args=(0,)))
    assert supervisor.join(worker, timeout=10) == 1
    assert supervisor.wait_logs_drained(worker, 5)
    errors = [entry for entry in collector.of(worker) if entry.traceback]
    assert len(errors) == 1
    assert "RuntimeError: crasher worker failed on purpose" in (errors[0].traceback or "")


def test_stdout_and_stderr_become_records(
    make_supervisor: MakeSupervisor, collector: Collector, start_method: str
) -> None:
    supervisor = make_supervisor(start_method)
    worker = supervisor.spawn(WorkerSpec(target=support_target("write_output"), args=(2,)))
    assert supervisor.join(worker, timeout=10) == 0
    assert supervisor.wait_logs_drained(worker, 5)
    by_logger = {(e.logger_name, e.message) for e in collector.of(worker)}
    assert ("stdout", "printed 0") in by_logger
    assert ("stdout", "printed 1") in by_logger
    assert ("stdout", "raw fd 1 line") in by_logger
    assert ("stdout", "no newline at the end") in by_logger
    assert ("stderr", "to stderr") in by_logger


def test_handler_is_installed_before_the_target_module_is_imported(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor("spawn")
    worker = supervisor.spawn(WorkerSpec(target=support_target("report_handlers")))
    assert supervisor.join(worker, timeout=10) == 0
    assert supervisor.wait_logs_drained(worker, 5)
    assert collector.messages(worker) == ["handlers=1 level=DEBUG"]


def test_a_worker_collects_garbage_as_python_does_not_as_the_app(
    make_supervisor: MakeSupervisor, collector: Collector, start_method: str
) -> None:
    """The app raises its collector's thresholds; a worker, forked from it or not, runs the
    user's code with Python's own."""
    supervisor = make_supervisor(start_method)
    before = gc.get_threshold()  # (the app tests before this one raised them already)
    tune_garbage_collector()  # as the app does, for as long as the start takes
    try:
        worker = supervisor.spawn(WorkerSpec(target=support_target("report_gc_thresholds")))
    finally:
        gc.set_threshold(*before)
    assert supervisor.join(worker, timeout=10) == 0
    assert supervisor.wait_logs_drained(worker, 5)
    assert PYTHON_THRESHOLDS != (50_000, 20, 20)  # the interpreter's own, read before tuning
    assert collector.messages(worker) == [f"thresholds={PYTHON_THRESHOLDS}"]


def test_level_option_sets_the_worker_root_level(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor(level=20)
    worker = supervisor.spawn(WorkerSpec(args=(0,)))
    assert supervisor.join(worker, timeout=10) == 0
    assert supervisor.wait_logs_drained(worker, 5)
    assert collector.messages(worker) == []  # the sleeper logs at DEBUG


def test_signalling_an_exited_worker_is_a_clear_error(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(WorkerSpec(args=(0,)))
    supervisor.join(worker, timeout=10)
    with pytest.raises(SupervisorError, match="has already exited"):
        supervisor.send_signal(worker, signal.SIGTERM)


def test_stop_escalates_to_sigkill_after_the_grace_period(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    stubborn = supervisor.spawn(WorkerSpec(target="mproc_tui.catalog:ignore_sigterm"))
    polite = supervisor.spawn(WorkerSpec(args=(60,)))
    wait_until(
        lambda: supervisor.records_received >= 1, 10, "the stubborn worker to ignore SIGTERM"
    )
    report = supervisor.stop([stubborn, polite], grace=0.5)
    assert report.signalled == 2
    assert report.escalated == 1
    assert supervisor.status(stubborn).exit_code == -signal.SIGKILL
    assert supervisor.status(polite).exit_code == -signal.SIGTERM


def test_unknown_start_method_is_refused(collector: Collector) -> None:
    with pytest.raises(SupervisorError, match="unknown start method"):
        Supervisor(collector, start_method="thread")


def test_exit_codes_are_exact_while_another_thread_polls(make_supervisor: MakeSupervisor) -> None:
    """Polling and joining from two threads once made forkserver report exit code 255."""
    supervisor = make_supervisor()
    stop = threading.Event()

    def poll_constantly() -> None:
        while not stop.is_set():
            supervisor.poll()

    poller = threading.Thread(target=poll_constantly)
    poller.start()
    try:
        workers = [supervisor.spawn(WorkerSpec(args=(0,))) for _ in range(15)]
        codes = [supervisor.join(worker, timeout=20) for worker in workers]
    finally:
        stop.set()
        poller.join()
    assert codes == [0] * 15


def test_clearing_while_stopping_is_safe(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    stubborn = supervisor.spawn(WorkerSpec(target="mproc_tui.catalog:ignore_sigterm"))
    polite = [supervisor.spawn(WorkerSpec(args=(60,))) for _ in range(3)]
    time.sleep(0.3)
    errors: list[BaseException] = []

    def stop() -> None:
        try:
            supervisor.stop([stubborn, *polite], grace=1.0)
        except BaseException as error:
            errors.append(error)

    stopper = threading.Thread(target=stop)
    stopper.start()
    while stopper.is_alive():
        supervisor.clear_finished()
        time.sleep(0.01)
    assert not errors
    assert supervisor.poll() == [] or all(not s.alive for s in supervisor.poll())
