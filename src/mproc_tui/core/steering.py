"""Steering running workers: signals, joins, their log level and their threads' names.

The supervisor (``supervisor.py``) starts, reaps and stops workers; these are what
a user does to one while it runs, on the same records, under the same lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

import psutil

from mproc_tui.core.process_control import (
    signal_descendant,
    signal_strays,
    signal_worker,
)
from mproc_tui.core.worker_record import WorkerRecord, wait_for_ends
from mproc_tui.core.workers import STOPPING_SIGNALS, SupervisorError


class WorkerSteering:
    """The steering half of the supervisor; ``Supervisor`` provides its records."""

    _lock: threading.RLock
    _workers: dict[int, WorkerRecord]
    _shut_down: threading.Event

    def _get(self, worker_id: int) -> WorkerRecord:
        raise NotImplementedError

    def _changed(self) -> None:
        raise NotImplementedError

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

    def set_level(self, worker_id: int, level: int) -> None:
        """A running worker's root logger level, now: its next record obeys it."""
        with self._lock:
            worker = self._get(worker_id)
        if worker.exit_code is not None or not (
            worker.control and worker.control.send("level", level)
        ):
            raise SupervisorError(f"{worker.name} cannot take a new level now")
        self._changed()

    def thread_names(self, worker_id: int, timeout: float = 0.3) -> dict[int, str]:
        """Its threads' names by ident, as the worker says within ``timeout``: one stuck
        holding the GIL cannot say, and the names it said before (or none) come back."""
        with self._lock:
            worker = self._get(worker_id)
        channel, control = worker.channel, worker.control
        if channel is None or control is None:
            return {}
        heard = channel.thread_notes
        if worker.exit_code is None and control.send("threads"):
            deadline = time.monotonic() + timeout
            while channel.thread_notes == heard and time.monotonic() < deadline:
                time.sleep(0.01)
        return dict(channel.thread_names)

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
        as_join: bool = True,
    ) -> bool:
        """Join several workers within one overall ``timeout``; True when all have ended.

        ``on_progress(ended)`` is called now and then while the wait lasts, so a view
        can say how far a long join has got. The wait gives up (False) once ``until()``
        is true, or once the supervisor has shut down. A join is final: a worker joined
        is not restarted. ``as_join=False`` only waits, restarts and all (``--no-tui``).
        """
        with self._lock:
            workers = [self._workers[i] for i in worker_ids if i in self._workers]
            for worker in workers:
                worker.join_requested = worker.join_requested or as_join
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
