"""The supervisor owns the worker processes: spawn, signal, join, stop, and their lifecycle.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial
from multiprocessing.context import BaseContext

from mproc_tui.core.channel_maker import ChannelMaker
from mproc_tui.core.helpers import Helpers
from mproc_tui.core.keeping import WorkerKeeping
from mproc_tui.core.launching import PreparedStart, prepare_launch
from mproc_tui.core.limits import StartHeadroom, start_failure
from mproc_tui.core.listener import BatchCallback, LogListener
from mproc_tui.core.memory_limit import MemoryNote
from mproc_tui.core.process_control import (
    create_time_of,
    forget_child,
    pidfd_of,
    signal_group,
)
from mproc_tui.core.reaper import Reaper
from mproc_tui.core.restart_policy import RestartNote
from mproc_tui.core.spawner_thread import SpawnerThread
from mproc_tui.core.start_batch import TWO_LANES_FROM, StartBatch
from mproc_tui.core.steering import WorkerSteering
from mproc_tui.core.worker_record import WorkerRecord, wait_for_ends
from mproc_tui.core.workers import (
    START_METHODS,
    StopReport,
    SupervisorError,
    WorkerSpec,
    WorkerStatus,
)


class Supervisor(WorkerSteering, WorkerKeeping):
    """Starts and steers worker processes and routes their logs to ``on_logs``.

    ``on_change`` (optional) hears of every change to a worker, on the thread that made
    it and never under the lock: a view refreshes at once, told by no one who acted.
    ``on_restart`` (optional) hears what a restart policy did with a worker that ended,
    ``on_memory`` of a worker stopped over its memory limit (SIGKILL after ``grace``).
    """

    def __init__(
        self,
        on_logs: BatchCallback,
        start_method: str = "forkserver",
        level: int = logging.DEBUG,
        on_change: Callable[[], None] | None = None,
        on_restart: Callable[[RestartNote], None] | None = None,
        on_memory: Callable[[MemoryNote], None] | None = None,
        grace: float = 3.0,
    ) -> None:
        if start_method not in START_METHODS:
            raise SupervisorError(
                f"unknown start method {start_method!r}; choose one of {', '.join(START_METHODS)}"
            )
        self.start_method = start_method
        self.level = level
        self._on_change = on_change
        self._on_restart = on_restart
        self._on_memory = on_memory
        self.grace = grace
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
        self._second_lane = SpawnerThread("mproc-tui-spawner-2")  # for forkserver batches
        self._headroom = StartHeadroom()  # a start that does not fit is refused
        self._reap_lock = threading.Lock()  # start and reap in turn (see forget_child)
        self._reaper = Reaper(self._reap)
        self._init_keeping()

    # -- starting -------------------------------------------------------------------------

    def spawn(self, spec: WorkerSpec) -> int:
        """Start a worker and return its id; blocks until the process exists."""
        started, refusal = self.spawn_all([spec])
        if refusal is not None:
            raise refusal
        return started[0]

    def spawn_all(
        self, specs: Sequence[WorkerSpec], until: Callable[[], bool] = lambda: False
    ) -> tuple[list[int], SupervisorError | None]:
        """Start workers in order as one job of the spawner thread, until a refusal (returned
        beside the ids started) or ``until()``: handing each start over on its own took
        longer than the start itself with 1,000 workers."""
        with self._lock:
            if self._closed:  # (the spawner thread may be gone: a job would wait forever)
                return [], SupervisorError("mproc-tui is shutting down")

        def start_in_turn() -> StartBatch[PreparedStart]:
            self.helpers.start()  # (the resource tracker first: the maker's queues use it)
            ahead = self._maker_for(specs) if len(specs) >= TWO_LANES_FROM else None
            prepare = partial(self._prepare, ahead=ahead)
            batch = StartBatch(specs, prepare, self._launch, until, self._changed)
            methods = {self._context_of(spec).get_start_method() for spec in specs}
            two = len(specs) >= TWO_LANES_FROM and methods == {"forkserver"}
            try:
                batch.run(self._second_lane if two else None)
            finally:
                if ahead is not None:
                    ahead.close()
            return batch

        batch = self._spawner.call(start_in_turn)
        started = batch.started
        if started:
            self._changed()
        return started, batch.refusal

    def _maker_for(self, specs: Sequence[WorkerSpec]) -> ChannelMaker | None:
        """A long batch's channels made ahead, for the starts that fit far from the limit."""
        fit = specs[: self._headroom.starts_that_fit()]
        return ChannelMaker([self._context_of(spec) for spec in fit]) if len(fit) > 1 else None

    def _context_of(self, spec: WorkerSpec) -> BaseContext:
        return multiprocessing.get_context(spec.start_method or self.start_method)

    def _start(self, spec: WorkerSpec, again: WorkerRecord | None = None) -> int:
        """Start a new worker, or (``again``) a new run of one, in its row."""
        return self._launch(self._prepare(spec, again))

    def _prepare(
        self, spec: WorkerSpec, again: WorkerRecord | None = None, ahead: ChannelMaker | None = None
    ) -> PreparedStart:
        """Its id, name and channel (``ahead`` made it, in a batch); refused if it won't fit."""
        with self._lock:
            if self._closed:
                raise SupervisorError("mproc-tui is shutting down")
            if again is None:
                worker_id = self._next_id
                self._next_id += 1
            else:
                worker_id = again.worker_id
        context = self._context_of(spec)
        method = context.get_start_method()
        guardian = self.helpers.start()
        if (refusal := self._headroom.refusal()) is not None:
            raise SupervisorError(f"cannot start another worker: {refusal}")
        stacks = self.helpers.stacks.path if self.helpers.stacks else ""
        fds = guardian.descriptors if method == "fork" else ()
        level = self.level if spec.level is None else spec.level
        try:
            made = ahead.take() if ahead is not None else None
            sync = self.helpers.sync.path if self.helpers.sync else ""
            launching = prepare_launch(context, worker_id, spec, level, stacks, fds, made, sync)
        except (ValueError, OSError) as error:
            raise SupervisorError(f"could not start worker: {start_failure(error)}") from error
        self._headroom.started()  # (counted now: the next one's check may come first)
        return PreparedStart(worker_id, spec, again, method, guardian, level, launching)

    def _launch(self, prepared: PreparedStart) -> int:
        """``Process.start()``, and the worker's record; under forkserver, two may overlap."""
        worker_id, spec, again = prepared.worker_id, prepared.spec, prepared.again
        method, level, launching = prepared.method, prepared.level, prepared.launching
        process = launching.process
        started_at = time.time()  # before start(): under load, seconds before it returns
        # A start polls every child on multiprocessing's list (``forget_child``); ours
        # leave it at once, and a forkserver start needs no turn: it never polls them.
        turn = self._reap_lock if method != "forkserver" else contextlib.nullcontext()
        try:
            with turn:
                process.start()
                forget_child(process)  # the reaper reaps it; start() would poll it forever
        except Exception as error:
            launching.abandon()
            raise SupervisorError(f"could not start worker: {start_failure(error)}") from error
        launching.started()
        self._listener.add(launching.channel)
        with self._lock:
            if again is None:
                worker = WorkerRecord(worker_id, spec, process, method, started_at, level)
            else:
                worker = again
                worker.new_run(process, method, started_at, level)
                worker.restart_at = None
                worker.restarts += 1
            worker.channel, worker.control = launching.channel, launching.control
            self._workers[worker_id] = worker
            if process.pid is not None:  # the worker leads its own group
                self._process_groups.append((process.pid, worker.create_time))
                prepared.guardian.watch(process.pid)
        worker.exit_watch = pidfd_of(process.pid) if method != "forkserver" else None
        self._reaper.watch(worker_id, worker.exit_watch or process.sentinel)
        if spec.max_rss is not None:
            self._memory.start()
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
            if worker.control is not None:
                worker.control.close()
            note = self._restart_later(worker, exit_code if exit_code is not None else -1)
            done = worker.restart_at is None  # (a restart due at once may start any moment)
        if note is not None and self._on_restart is not None:
            self._on_restart(note)  # said before a join of it returns
        if done:
            worker.ended.set()
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    # -- steering -------------------------------------------------------------------------

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
        worker_ids = list(worker_ids)
        for worker_id in worker_ids:  # one that waits to restart stays ended
            if worker_id in self._workers:
                self.cancel_restart(worker_id)
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
        """Wait until every record the worker's current run wrote has been delivered."""
        with self._lock:
            channel = self._get(worker_id).channel
        return channel is None or self._listener.wait_ended(channel.stream, timeout)

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
        self._timers.stop()  # (nor a restart)
        self._memory.stop()
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
            self.wait_logs_drained(worker_id, timeout=max(0.0, deadline - time.monotonic()))
        self.helpers.close()
        self._listener.stop()
        self._reaper.stop()
        self._shut_down.set()  # a worker the reaper never saw end must not hold a join
        # Last: fork and spawn workers get their death signal when this thread ends.
        self._second_lane.stop()
        self._spawner.stop()
        return report

    def _get(self, worker_id: int) -> WorkerRecord:
        if (worker := self._workers.get(worker_id)) is None:
            raise SupervisorError(f"no worker with id {worker_id}")
        return worker
