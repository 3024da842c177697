"""The supervisor owns the worker processes: spawn, signal, join, and their lifecycle.

Processes are started from one long-lived thread. ``PR_SET_PDEATHSIG`` fires when
the *thread* that forked a child exits, so a worker started from a short-lived
thread (a Textual thread worker) would be killed the moment that thread ended.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from multiprocessing import forkserver, resource_tracker
from multiprocessing.process import BaseProcess
from typing import Any

import psutil

from mproc_tui.core.bootstrap import WorkerLaunch, run_worker
from mproc_tui.core.channel import LogChannel
from mproc_tui.core.death_signal import APP_PID_VARIABLE
from mproc_tui.core.guardian import Guardian
from mproc_tui.core.listener import BatchCallback, LogListener
from mproc_tui.core.reaper import Reaper
from mproc_tui.core.spawner_thread import SpawnerThread
from mproc_tui.core.target_reference import absolute_reference

START_METHODS = ("forkserver", "spawn", "fork")
SLEEPER_TARGET = "mproc_tui.catalog:sleeper"
PROGRESS_TICK = 0.25  # seconds between progress reports of a long wait
# Sent to a worker, these ask it to end (STOP, CONT, USR1, USR2 do not).
STOPPING_SIGNALS = frozenset({signal.SIGTERM, signal.SIGKILL, signal.SIGINT, signal.SIGHUP})


class Lifecycle(StrEnum):
    """What the supervisor knows of a worker; psutil adds the live state."""

    RUNNING = "running"
    JOINING = "joining"
    EXITED = "exited"
    KILLED = "killed"
    JOINED = "joined"


class SupervisorError(Exception):
    """An operation the user asked for that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class WorkerSpec:
    """What to run: a target reference with its arguments, a name and the daemon flag."""

    target: str = SLEEPER_TARGET
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str | None = None
    daemon: bool = False
    start_method: str | None = None  # None: the supervisor's


@dataclass(frozen=True, slots=True)
class WorkerStatus:
    """An immutable view of one worker's lifecycle at one moment."""

    worker_id: int
    name: str
    pid: int | None
    daemon: bool
    target: str
    lifecycle: Lifecycle
    exit_code: int | None
    started_at: float
    ended_at: float | None
    start_method: str = ""
    stop_requested: bool = False  # mproc-tui stopped it (restart, quit): not a failure
    create_time: float | None = None  # read at start: tells our PID from a reused one

    @property
    def alive(self) -> bool:
        return self.exit_code is None


@dataclass(frozen=True, slots=True)
class StopReport:
    """How a stop went: how many were signalled, needed SIGKILL, and have ended so far."""

    signalled: int
    escalated: int
    ended: int = 0  # of the signalled, how many have ended so far


class _Worker:
    """The supervisor's mutable record of one worker; never leaves this module."""

    def __init__(
        self,
        worker_id: int,
        spec: WorkerSpec,
        process: BaseProcess,
        start_method: str,
        started_at: float,
    ) -> None:
        self.worker_id = worker_id
        self.spec = spec
        self.process = process
        self.name = process.name
        self.pid: int | None = process.pid
        self.started_at = started_at
        self.ended_at: float | None = None
        self.exit_code: int | None = None
        self.join_requested = False
        self.stop_requested = False
        self.start_method = start_method
        self.ended = threading.Event()  # set by the reaper, once
        self.create_time = _create_time(self.pid)  # tells our PID from a reused one
        self.exit_watch: int | None = None  # a pidfd the reaper waits on, closed when reaped

    def status(self) -> WorkerStatus:
        if self.join_requested:
            lifecycle = Lifecycle.JOINING if self.exit_code is None else Lifecycle.JOINED
        elif self.exit_code is None:
            lifecycle = Lifecycle.RUNNING
        elif self.exit_code < 0:
            lifecycle = Lifecycle.KILLED
        else:
            lifecycle = Lifecycle.EXITED
        return WorkerStatus(
            worker_id=self.worker_id,
            name=self.name,
            pid=self.pid,
            daemon=self.spec.daemon,
            target=self.spec.target,
            lifecycle=lifecycle,
            exit_code=self.exit_code,
            started_at=self.started_at,
            ended_at=self.ended_at,
            start_method=self.start_method,
            stop_requested=self.stop_requested,
            create_time=self.create_time,
        )


class Supervisor:
    """Starts and steers worker processes and routes their logs to ``on_logs``.

    ``on_change`` (optional) is called from a background thread whenever a worker
    ends, so a view can refresh at once instead of at its next tick.
    """

    def __init__(
        self,
        on_logs: BatchCallback,
        start_method: str = "forkserver",
        level: int = logging.DEBUG,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        if start_method not in START_METHODS:
            raise SupervisorError(
                f"unknown start method {start_method!r}; choose one of {', '.join(START_METHODS)}"
            )
        self.start_method = start_method
        self.level = level
        self._on_change = on_change
        self._context = multiprocessing.get_context(start_method)
        # Helpers for every method start now (a worker may ask for another method
        # later, from inside the running app). The fork server is shared by the whole
        # process and its death signal follows the thread that starts it: build the
        # supervisor on the main thread.
        _start_helper_processes()
        # After the helpers, so the fork server does not hold the guardian's pipe.
        self._guardian = Guardian()
        self._listener = LogListener(on_logs)
        self._listener.start()
        self._lock = threading.RLock()
        self._workers: dict[int, _Worker] = {}
        self._next_id = 1
        self._process_groups: list[tuple[int, float | None]] = []
        self._closed = False
        self._shut_down = threading.Event()  # ends joins that would otherwise wait forever
        # One thread for the whole session: see the module docstring.
        self._spawner = SpawnerThread()
        # Process.start() polls every earlier child (multiprocessing's _cleanup); under
        # forkserver a poll reads the exit status from the sentinel, and two readers at
        # once leave one with 255. Starting and reaping therefore take turns.
        self._reap_lock = threading.Lock()
        self._reaper = Reaper(self._reap)

    # -- starting -------------------------------------------------------------------------

    def spawn(self, spec: WorkerSpec) -> int:
        """Start a worker and return its id; blocks until the process exists."""
        with self._lock:
            if self._closed:
                raise SupervisorError("mproc-tui is shutting down")
        return self._spawner.call(lambda: self._start(spec))

    def _start(self, spec: WorkerSpec) -> int:
        with self._lock:
            if self._closed:
                raise SupervisorError("mproc-tui is shutting down")
            worker_id = self._next_id
            self._next_id += 1
        context = multiprocessing.get_context(spec.start_method or self.start_method)
        try:
            target = absolute_reference(spec.target)
            channel = LogChannel(context, worker_id)
        except (ValueError, OSError) as error:
            raise SupervisorError(f"could not start worker: {error}") from error
        launch = WorkerLaunch(
            worker_id=worker_id,
            target=target,
            args=tuple(spec.args),
            kwargs=dict(spec.kwargs),
            log_queue=channel.queue,
            level=self.level,
            app_pid=os.getpid(),
            inherited_fds=(
                (self._guardian.fileno,)
                if self._guardian.fileno is not None and context.get_start_method() == "fork"
                else ()
            ),
        )
        process = context.Process(  # type: ignore[attr-defined]
            target=run_worker, args=(launch,), name=spec.name, daemon=spec.daemon
        )
        if spec.name is None:
            # The context classes call themselves ForkServerProcess-N; the lesson's
            # ``multiprocessing.Process`` says Process-N with the same counter.
            process.name = "Process-" + ":".join(str(part) for part in process._identity)
        started_at = time.time()  # before start(): under load start() can take seconds
        try:
            with self._reap_lock:
                process.start()
        except Exception as error:
            channel.close()
            raise SupervisorError(f"could not start worker: {error}") from error
        channel.release_writer()
        self._listener.add(channel)
        worker = _Worker(worker_id, spec, process, context.get_start_method(), started_at)
        with self._lock:
            self._workers[worker_id] = worker
            if process.pid is not None:  # the worker leads its own group
                self._process_groups.append((process.pid, worker.create_time))
                self._guardian.watch(process.pid)
        worker.exit_watch = (
            _pidfd(process.pid) if context.get_start_method() != "forkserver" else None
        )
        self._reaper.watch(worker_id, worker.exit_watch or process.sentinel)
        return worker_id

    def _reap(self, worker_id: int) -> None:
        """On the reaper thread: the worker's sentinel is ready, so it has ended."""
        with self._lock:
            worker = self._workers[worker_id]
        with self._reap_lock:
            worker.process.join()  # returns at once: the process has ended
            exit_code = worker.process.exitcode
        with self._lock:
            worker.exit_code = exit_code
            worker.ended_at = time.time()
            if worker.exit_watch is not None:
                os.close(worker.exit_watch)
                worker.exit_watch = None
        worker.ended.set()
        if self._on_change is not None:
            self._on_change()

    # -- steering -------------------------------------------------------------------------

    def send_signal(self, worker_id: int, signal_number: int, with_children: bool = False) -> int:
        """Signal a live worker (and, if asked, every process it started); returns how many.

        Signalling a worker that ended is a user error, not a crash. A signal meant to
        end it (``STOPPING_SIGNALS``) marks it ``stop_requested``: the user ended it on
        purpose, so the exit code it gets is no failure.
        """
        with self._lock:
            worker = self._get(worker_id)
            if worker.exit_code is not None or worker.pid is None:
                raise SupervisorError(f"{worker.name} has already exited")
            children = _descendants(worker.pid, worker.create_time) if with_children else []
            try:
                if with_children and _leads_group(worker.pid):
                    # One delivery each to the worker and everything in its group,
                    # including children whose parent (a middle process) is gone.
                    os.killpg(worker.pid, signal_number)
                else:
                    os.kill(worker.pid, signal_number)
            except ProcessLookupError:
                raise SupervisorError(f"{worker.name} has already exited") from None
            if signal_number in STOPPING_SIGNALS:
                worker.stop_requested = True
        for child in children:
            # The group already reached its members; only those that left it remain.
            with contextlib.suppress(psutil.Error, OSError):
                if os.getpgid(child.pid) != worker.pid:
                    child.send_signal(signal_number)
        return 1 + len(children)

    def signal_descendant(self, worker_id: int, pid: int, signal_number: int) -> None:
        """Signal one process the worker started (the tree view's rows), and only it.

        The PID is checked against the worker's descendants now, so a number that
        was reused since the table showed it is never signalled.
        """
        with self._lock:
            worker = self._get(worker_id)
            if worker.exit_code is not None or worker.pid is None:
                raise SupervisorError(f"{worker.name} has already exited")
            descendants = _descendants(worker.pid, worker.create_time)
        for child in descendants:
            if child.pid == pid:
                try:
                    child.send_signal(signal_number)
                except psutil.NoSuchProcess:
                    break
                except (psutil.AccessDenied, OSError) as error:
                    raise SupervisorError(f"could not signal process {pid}: {error}") from None
                return
        raise SupervisorError(f"process {pid} has already exited")

    def respawn(self, worker_id: int) -> int:
        """Start a new process with the same spec and name; the old worker stays as it is.

        A restarted ``Process-3`` is ``Process-3`` again, as in process-compose: it is
        the same worker, started anew, not a new one.
        """
        with self._lock:
            worker = self._get(worker_id)
            spec = replace(worker.spec, name=worker.name)
        return self.spawn(spec)

    def terminate(self, worker_id: int) -> None:
        self.send_signal(worker_id, signal.SIGTERM)

    def kill(self, worker_id: int) -> None:
        self.send_signal(worker_id, signal.SIGKILL)

    def begin_join(self, worker_id: int) -> None:
        """Ask for a join: the worker shows ``joining`` until it ends, then ``joined``.

        Nothing blocks: the reaper thread completes the join when the process ends.
        """
        with self._lock:
            self._get(worker_id).join_requested = True

    def join(self, worker_id: int, timeout: float | None = None) -> int | None:
        """Wait for a worker like ``Process.join()``; returns its exit code, or None on timeout."""
        self.begin_join(worker_id)
        with self._lock:
            worker = self._get(worker_id)
        worker.ended.wait(timeout)
        return worker.exit_code

    def join_many(
        self,
        worker_ids: Iterable[int],
        timeout: float | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> bool:
        """Join several workers within one overall ``timeout``; True when all have ended.

        ``on_progress(ended)`` is called now and then while the wait lasts, so a view
        can say how far a long join has got.
        """
        with self._lock:
            workers = [self._workers[i] for i in worker_ids if i in self._workers]
            for worker in workers:
                worker.join_requested = True
        if on_progress is None:
            return _wait_all(workers, timeout, until=self._shut_down)

        def tick() -> None:
            on_progress(sum(worker.ended.is_set() for worker in workers))

        tick()
        joined = _wait_all(workers, timeout, tick, until=self._shut_down)
        tick()
        return joined

    def stop(
        self,
        worker_ids: Iterable[int],
        grace: float,
        on_progress: Callable[[StopReport], None] | None = None,
    ) -> StopReport:
        """SIGTERM the workers, SIGKILL those still alive after ``grace`` seconds.

        ``on_progress`` (optional) hears how far it has got now and then: a stop with
        a long grace period should not look like a hang.
        """
        with self._lock:
            live = [
                self._workers[i]
                for i in worker_ids
                if i in self._workers and self._workers[i].exit_code is None
            ]
            for worker in live:
                worker.stop_requested = True
        escalated = 0

        def so_far() -> StopReport:
            ended = sum(worker.ended.is_set() for worker in live)
            return StopReport(signalled=len(live), escalated=escalated, ended=ended)

        if not live:
            return so_far()
        tick = None if on_progress is None else lambda: on_progress(so_far())
        for worker in live:
            _signal_group(worker.pid, signal.SIGTERM)
        if tick is not None:
            tick()
        _wait_all(live, grace, tick)
        stubborn = [worker for worker in live if not worker.ended.is_set()]
        escalated = len(stubborn)
        for worker in stubborn:
            _signal_group(worker.pid, signal.SIGKILL)
        if tick is not None and stubborn:
            tick()
        _wait_all(stubborn, 5.0, tick)
        return so_far()

    def clear_finished(self) -> list[int]:
        """Forget workers that ended; returns their ids."""
        removed: list[int] = []
        with self._lock:
            for worker_id, worker in list(self._workers.items()):
                if worker.ended.is_set():
                    worker.process.close()
                    del self._workers[worker_id]
                    removed.append(worker_id)
        return removed

    # -- reading --------------------------------------------------------------------------

    def poll(self) -> list[WorkerStatus]:
        """Every worker's status, oldest first."""
        with self._lock:
            return [worker.status() for worker in self._workers.values()]

    def status(self, worker_id: int) -> WorkerStatus:
        with self._lock:
            return self._get(worker_id).status()

    def live_worker_ids(self, daemon: bool | None = None) -> list[int]:
        return [
            status.worker_id
            for status in self.poll()
            if status.alive and (daemon is None or status.daemon == daemon)
        ]

    def wait_logs_drained(self, worker_id: int, timeout: float) -> bool:
        """Wait until every record the worker wrote has been delivered."""
        return self._listener.wait_ended(worker_id, timeout)

    @property
    def records_received(self) -> int:
        return self._listener.received

    # -- ending ---------------------------------------------------------------------------

    def shutdown(self, grace: float = 3.0) -> StopReport:
        """End every worker (TERM, then KILL after ``grace``), deliver their last logs, stop."""
        with self._lock:
            if self._closed:
                return StopReport(0, 0)
            self._closed = True  # no spawn starts after this...
        self._spawner.call(lambda: None)  # ...and one already under way has finished
        with self._lock:
            worker_ids = list(self._workers)
        report = self.stop(worker_ids, grace)
        # What the workers started lives on in their process groups, even after a
        # worker ended or was cleared: nothing of theirs may outlive the app.
        for group, create_time in self._process_groups:
            if _create_time(group) in (None, create_time):  # else the number was reused
                _signal_group(group, signal.SIGKILL, worker_alive=False)
        deadline = time.monotonic() + 1.0
        for worker_id in worker_ids:
            self._listener.wait_ended(worker_id, timeout=max(0.0, deadline - time.monotonic()))
        self._guardian.close()
        self._listener.stop()
        self._reaper.stop()
        self._shut_down.set()  # a worker the reaper never saw end must not hold a join
        # Last: fork and spawn workers get their death signal when this thread ends.
        self._spawner.stop()
        return report

    def _get(self, worker_id: int) -> _Worker:
        try:
            return self._workers[worker_id]
        except KeyError:
            raise SupervisorError(f"no worker with id {worker_id}") from None


def _descendants(pid: int, create_time: float | None) -> list[psutil.Process]:
    """Processes a worker started (recursively), if the PID is still the worker's."""
    try:
        process = psutil.Process(pid)
        if create_time is None or process.create_time() != create_time:
            return []
        return process.children(recursive=True)
    except psutil.Error:
        return []


def _leads_group(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except OSError:
        return False


def _create_time(pid: int | None) -> float | None:
    """When ``pid`` was created, or None if no such process (or it cannot be read)."""
    if pid is None:
        return None
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def _pidfd(pid: int | None) -> int | None:
    """A file descriptor that becomes readable when the process exits (Linux 5.3+).

    A fork or spawn worker's sentinel pipe stays open while any process it started
    lives, so a killed worker would look alive; a pidfd follows the process itself.
    """
    if pid is None or not hasattr(os, "pidfd_open"):
        return None
    try:
        return os.pidfd_open(pid)
    except OSError:
        return None


def _wait_all(
    workers: Iterable[_Worker],
    timeout: float | None,
    on_tick: Callable[[], None] | None = None,
    until: threading.Event | None = None,
) -> bool:
    """Wait for every worker to end within one overall ``timeout``.

    ``on_tick`` (optional) is called every ``PROGRESS_TICK`` seconds of waiting, and
    once more when the time is up. The wait also gives up once ``until`` is set.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    sliced = on_tick is not None or until is not None
    for worker in workers:
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            step = remaining
            if sliced:
                step = PROGRESS_TICK if remaining is None else min(PROGRESS_TICK, remaining)
            if worker.ended.wait(step):
                break
            if on_tick is not None:
                on_tick()
            if remaining is not None and step is not None and step >= remaining:
                return False
            if until is not None and until.is_set():
                return False
    return True


def _start_helper_processes() -> None:
    """Start multiprocessing's resource tracker and fork server now, not on first spawn.

    Both pass ``sys.stderr.fileno()`` to the helper they start; inside a running
    Textual app ``sys.stderr`` is a capture object whose ``fileno()`` is -1, so a
    lazy start from within the app fails with "bad value(s) in fds_to_keep".
    """
    resource_tracker.ensure_running()
    os.environ[APP_PID_VARIABLE] = str(os.getpid())
    multiprocessing.get_context("forkserver").set_forkserver_preload(
        ["mproc_tui.core.forkserver_guard", "mproc_tui.core.bootstrap", "mproc_tui.catalog"]
    )
    forkserver.ensure_running()


def _signal_group(pid: int | None, signal_number: int, worker_alive: bool = True) -> None:
    """Signal a worker's process group, or a live worker alone if it has none yet.

    A group ID cannot be reused while any member lives, so signalling the group
    never reaches strangers, even after the worker ended. A bare PID can be reused,
    so it is signalled only while the worker is known to be alive (not yet reaped).
    """
    if pid is None:
        return
    try:
        os.killpg(pid, signal_number)
    except ProcessLookupError:
        if worker_alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal_number)  # not yet its own group leader
    except PermissionError:
        pass
