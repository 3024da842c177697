"""Keeping workers running: restart policies and memory limits, on the supervisor's records.

A worker that ends is judged by its restart policy (``restart_policy.py``) and, if it
is to run again, waits in its row (``restarting in 2 s``) while a timer counts down;
then it runs again in the same row, its records under the same worker. A worker
over its ``--max-rss`` for long enough (``memory_limit.py``) is stopped as a failure,
and its policy then applies.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from mproc_tui.core.listener import LogListener
from mproc_tui.core.memory_limit import Limited, MemoryNote, MemoryWatch
from mproc_tui.core.process_control import signal_group
from mproc_tui.core.restart_policy import RestartNote, RunEnd, restart_delay, restarts_in_a_row
from mproc_tui.core.samples import SampleRequest
from mproc_tui.core.spawner_thread import SpawnerThread
from mproc_tui.core.timers import Timers
from mproc_tui.core.worker_record import WorkerRecord
from mproc_tui.core.workers import SupervisorError, WorkerSpec


class WorkerKeeping:
    """The keeping half of the supervisor; ``Supervisor`` provides its records."""

    _lock: threading.RLock
    _workers: dict[int, WorkerRecord]
    _closed: bool
    _listener: LogListener
    _spawner: SpawnerThread
    grace: float
    _on_restart: Callable[[RestartNote], None] | None
    _on_memory: Callable[[MemoryNote], None] | None

    def _init_keeping(self) -> None:
        self._timers = Timers()  # restarts after their back-off, SIGKILLs after the grace
        self._memory = MemoryWatch(self._limited, self._over_memory)

    def _get(self, worker_id: int) -> WorkerRecord:
        raise NotImplementedError

    def _changed(self) -> None:
        raise NotImplementedError

    def _start(self, spec: WorkerSpec, again: WorkerRecord | None = None) -> int:
        raise NotImplementedError

    def _restart_later(self, worker: WorkerRecord, exit_code: int) -> RestartNote | None:
        """Under the lock, as a run ends: schedule its next run if its policy says so."""
        policy = worker.spec.restart
        end = RunEnd(
            exit_code=exit_code,
            on_purpose=worker.stop_requested or worker.join_requested or self._closed,
            seconds=(worker.ended_at or 0.0) - worker.started_at,
            restarts_in_a_row=worker.restarts_in_a_row,
        )
        delay = restart_delay(policy, end)
        if delay is None and (end.on_purpose or policy.max_restarts is None or exit_code == 0):
            return None  # no policy, on purpose, or a clean end under on-failure: nothing to say
        in_a_row = restarts_in_a_row(end)
        note = RestartNote(worker.name, worker.pid, exit_code, in_a_row, policy.max_restarts, delay)
        if delay is not None:
            worker.restarts_in_a_row = in_a_row + 1
            worker.restart_at = time.time() + delay
            run = worker.restarts
            self._timers.call_at(time.monotonic() + delay, lambda: self._restart_due(worker, run))
        return note

    def _restart_due(self, worker: WorkerRecord, run: int) -> None:
        """On the timers' thread: run it again, unless it was stopped meanwhile."""
        with self._lock:
            if worker.restart_at is None or worker.restarts != run or self._closed:
                return
            channel = worker.channel
        if channel is not None:  # its last records first, then the new run's
            self._listener.wait_ended(channel.stream, timeout=1.0)
        try:
            spec = replace(worker.spec, name=worker.name)  # Process-3 again, as respawn does
            self._spawner.call(lambda: self._start(spec, again=worker))
        except SupervisorError as error:
            with self._lock:
                worker.restart_at = None
                note = RestartNote(
                    worker.name, worker.pid, worker.exit_code or 0, 0, None, None, str(error)
                )
            worker.ended.set()
            if self._on_restart is not None:
                self._on_restart(note)
        self._changed()

    def cancel_restart(self, worker_id: int) -> bool:
        """Keep a worker that waits to restart ended (stopped on purpose); False if none waits."""
        with self._lock:
            worker = self._get(worker_id)
            if worker.restart_at is None:
                return False
            worker.restart_at = None
            worker.stop_requested = True
        worker.ended.set()
        self._changed()
        return True

    def waiting_worker_ids(self) -> list[int]:
        """Workers that ended and wait to run again."""
        with self._lock:
            return [i for i, worker in self._workers.items() if worker.restart_at is not None]

    # -- memory ---------------------------------------------------------------------------

    def _limited(self) -> list[Limited]:
        """On the memory thread: the running workers that have a limit."""
        with self._lock:
            return [
                Limited(
                    worker.worker_id,
                    SampleRequest(worker.pid, worker.started_at, worker.create_time),
                    worker.spec.max_rss,
                )
                for worker in self._workers.values()
                if worker.spec.max_rss is not None
                and worker.exit_code is None
                and worker.pid is not None
                and worker.over_memory is None
            ]

    def _over_memory(self, worker_id: int, rss: int) -> None:
        """On the memory thread: SIGTERM it (its group), SIGKILL after the grace period."""
        with self._lock:
            worker = self._workers.get(worker_id)
            if worker is None or worker.exit_code is not None or worker.stop_requested:
                return
            limit, pid = worker.spec.max_rss or 0, worker.pid
            worker.over_memory = rss
            run = worker.restarts
        signal_group(pid, signal.SIGTERM)
        self._changed()
        if self._on_memory is not None:
            self._on_memory(MemoryNote(worker.name, pid, rss, limit, self.grace))

        def escalate() -> None:
            with self._lock:
                if worker.exit_code is not None or worker.restarts != run:
                    return
            signal_group(pid, signal.SIGKILL)

        self._timers.call_at(time.monotonic() + self.grace, escalate)
