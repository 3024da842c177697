"""The supervisor owns the worker processes: spawn, signal, join, stop, and their lifecycle.

Processes are started from one long-lived thread. ``PR_SET_PDEATHSIG`` fires when
the *thread* that forked a child exits, so a worker started from a short-lived
thread (a Textual thread worker) would be killed the moment that thread ended.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

import psutil

from mproc_tui.core.bootstrap import WorkerLaunch
from mproc_tui.core.channel import LogChannel
from mproc_tui.core.helpers import Helpers
from mproc_tui.core.limits import StartHeadroom, start_failure
from mproc_tui.core.listener import BatchCallback, LogListener
from mproc_tui.core.process_control import (
    create_time_of,
    forget_child,
    new_worker_process,
    pidfd_of,
    signal_descendant,
    signal_group,
    signal_strays,
    signal_worker,
)
from mproc_tui.core.reaper import Reaper
from mproc_tui.core.spawner_thread import SpawnerThread
from mproc_tui.core.target_reference import absolute_reference
from mproc_tui.core.workers import (
    STOPPING_SIGNALS,
    StopReport,
    SupervisorError,
    WorkerRecord,
    WorkerSpec,
    WorkerStatus,
    wait_for_ends,
)

START_METHODS = ("forkserver", "spawn", "fork")


class Supervisor:
    """Starts and steers worker processes and routes their logs to ``on_logs``.

    ``on_change`` (optional) hears of every change to a worker, on the thread that made
    it and never under the lock: a view refreshes at once, told by no one who acted.
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
        self.helpers = Helpers()  # started by start_helpers(), or by the first spawn
        self._listener = LogListener(on_logs)
        self._listener.start()
        self._lock = threading.RLock()
        self._workers: dict[int, WorkerRecord] = {}
        self._next_id = 1
        self._process_groups: list[tuple[int, float | None]] = []
        self._closed = False
        self._shut_down = threading.Event()  # ends joins that would otherwise wait forever
        self._spawner = SpawnerThread()  # one thread for the whole session: see the top
        self._headroom = StartHeadroom()  # a start that does not fit is refused
        self._reap_lock = threading.Lock()  # start and reap in turn (see forget_child)
        self._reaper = Reaper(self._reap)

    # -- starting -------------------------------------------------------------------------

    def spawn(self, spec: WorkerSpec) -> int:
        """Start a worker and return its id; blocks until the process exists."""
        with self._lock:
            if self._closed:
                raise SupervisorError("mproc-tui is shutting down")
        worker_id = self._spawner.call(lambda: self._start(spec))
        self._changed()
        return worker_id

    def _start(self, spec: WorkerSpec) -> int:
        with self._lock:
            if self._closed:
                raise SupervisorError("mproc-tui is shutting down")
            worker_id = self._next_id
            self._next_id += 1
        context = multiprocessing.get_context(spec.start_method or self.start_method)
        method = context.get_start_method()
        guardian = self.helpers.start()
        if (refusal := self._headroom.refusal()) is not None:
            raise SupervisorError(f"cannot start another worker: {refusal}")
        try:
            target = absolute_reference(spec.target)
            channel = LogChannel(context, worker_id)
        except (ValueError, OSError) as error:
            raise SupervisorError(f"could not start worker: {start_failure(error)}") from error
        launch = WorkerLaunch(
            worker_id=worker_id,
            target=target,
            args=tuple(spec.args),
            kwargs=dict(spec.kwargs),
            log_queue=channel.queue,
            level=self.level,
            app_pid=os.getpid(),
            inherited_fds=guardian.descriptors if method == "fork" else (),
            stack_dir=self.helpers.stacks.path if self.helpers.stacks else "",
        )
        process = new_worker_process(context, launch, spec.name, spec.daemon)
        started_at = time.time()  # before start(): under load, seconds before it returns
        try:
            with self._reap_lock:
                process.start()
                forget_child(process)  # the reaper reaps it; start() would poll it forever
        except Exception as error:
            channel.close()
            raise SupervisorError(f"could not start worker: {start_failure(error)}") from error
        self._headroom.started()
        channel.release_writer()
        self._listener.add(channel)
        worker = WorkerRecord(worker_id, spec, process, method, started_at)
        worker.process_names = channel.process_names  # filled as it starts processes
        with self._lock:
            self._workers[worker_id] = worker
            if process.pid is not None:  # the worker leads its own group
                self._process_groups.append((process.pid, worker.create_time))
                guardian.watch(process.pid)
        worker.exit_watch = pidfd_of(process.pid) if method != "forkserver" else None
        self._reaper.watch(worker_id, worker.exit_watch or process.sentinel)
        return worker_id

    def start_helpers(self) -> None:
        """Start the helper processes now (the app: once its first frame is drawn)."""
        self.helpers.start()

    def guard_group(self, pid: int) -> None:
        """Kill the group ``pid`` leads on the way out, as a worker's (a watched program's)."""
        with self._lock:
            self._process_groups.append((pid, create_time_of(pid)))
        self.helpers.start().watch(pid)

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
        self._changed()

    def _changed(self) -> None:
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
            try:
                strays = signal_worker(worker.pid, worker.create_time, signal_number, with_children)
            except ProcessLookupError:
                raise SupervisorError(f"{worker.name} has already exited") from None
            if signal_number in STOPPING_SIGNALS:
                worker.stop_requested = True
        signal_strays(worker.pid, strays, signal_number)
        self._changed()
        return 1 + len(strays)

    def signal_descendant(self, worker_id: int, pid: int, signal_number: int) -> None:
        """Signal one process the worker started (the tree view's rows), and only it.

        The PID is checked against the worker's descendants now, so a number that
        was reused since the table showed it is never signalled.
        """
        with self._lock:
            worker = self._get(worker_id)
            if worker.exit_code is not None or worker.pid is None:
                raise SupervisorError(f"{worker.name} has already exited")
            worker_pid, create_time = worker.pid, worker.create_time
        try:
            signalled = signal_descendant(worker_pid, create_time, pid, signal_number)
        except (psutil.AccessDenied, OSError) as error:
            raise SupervisorError(f"could not signal process {pid}: {error}") from None
        if not signalled:
            raise SupervisorError(f"process {pid} has already exited")
        self._changed()

    def respawn(self, worker_id: int) -> int:
        """Start a new process with the same spec and name; the old worker stays as it is.

        A restarted ``Process-3`` is ``Process-3`` again, as in process-compose.
        """
        with self._lock:
            worker = self._get(worker_id)
            spec = replace(worker.spec, name=worker.name)
        return self.spawn(spec)

    def restart(
        self,
        worker_id: int,
        grace: float,
        on_progress: Callable[[StopReport], None] | None = None,
    ) -> int:
        """Like process-compose: stop the worker if it runs (``stop``), then ``respawn`` it."""
        self.stop([worker_id], grace, on_progress)
        return self.respawn(worker_id)

    def begin_join(self, worker_id: int) -> None:
        """Ask for a join: the worker shows ``joining`` until it ends, then ``joined``.

        Nothing blocks: the reaper thread completes the join when the process ends.
        """
        with self._lock:
            self._get(worker_id).join_requested = True
        self._changed()

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
        until: Callable[[], bool] | None = None,
    ) -> bool:
        """Join several workers within one overall ``timeout``; True when all have ended.

        ``on_progress(ended)`` is called now and then while the wait lasts, so a view
        can say how far a long join has got. The wait gives up (False) once ``until()``
        is true, or once the supervisor has shut down.
        """
        with self._lock:
            workers = [self._workers[i] for i in worker_ids if i in self._workers]
            for worker in workers:
                worker.join_requested = True
        self._changed()

        def given_up() -> bool:
            return self._shut_down.is_set() or (until is not None and until())

        def tick() -> None:
            if on_progress is not None:
                on_progress(sum(worker.ended.is_set() for worker in workers))

        tick()
        joined = wait_for_ends(workers, timeout, tick if on_progress else None, until=given_up)
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
            signal_group(worker.pid, signal.SIGTERM)
        self._changed()
        if tick is not None:
            tick()
        wait_for_ends(live, grace, tick)
        stubborn = [worker for worker in live if not worker.ended.is_set()]
        escalated = len(stubborn)
        for worker in stubborn:
            signal_group(worker.pid, signal.SIGKILL)
        if tick is not None and stubborn:
            tick()
        wait_for_ends(stubborn, 5.0, tick)
        self._changed()
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
        self._changed()
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
            if create_time_of(group) in (None, create_time):  # else the number was reused
                signal_group(group, signal.SIGKILL, worker_alive=False)
        deadline = time.monotonic() + 1.0
        for worker_id in worker_ids:
            self._listener.wait_ended(worker_id, timeout=max(0.0, deadline - time.monotonic()))
        self.helpers.close()
        self._listener.stop()
        self._reaper.stop()
        self._shut_down.set()  # a worker the reaper never saw end must not hold a join
        # Last: fork and spawn workers get their death signal when this thread ends.
        self._spawner.stop()
        return report

    def _get(self, worker_id: int) -> WorkerRecord:
        if (worker := self._workers.get(worker_id)) is None:
            raise SupervisorError(f"no worker with id {worker_id}")
        return worker
