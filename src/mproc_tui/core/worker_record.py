"""The supervisor's mutable record of each worker, and the wait for workers to end.

Apart from ``workers.py`` (the plain data every view shares) because it holds the
process itself: only the supervisor's side imports it, after the first frame.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mproc_tui.core.process_control import create_time_of
from mproc_tui.core.workers import PROGRESS_TICK, Lifecycle, WorkerSpec, WorkerStatus

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from mproc_tui.core.channel import LogChannel
    from mproc_tui.core.worker_control import ControlLine


class WorkerRecord:
    """The supervisor's mutable record of one worker; never handed to a view."""

    def __init__(
        self,
        worker_id: int,
        spec: WorkerSpec,
        process: BaseProcess,
        start_method: str,
        started_at: float,
        level: int = 0,
    ) -> None:
        self.worker_id = worker_id
        self.spec = spec
        self.name = process.name
        self.join_requested = False
        self.ended = threading.Event()  # set once it has ended and will not run again
        self.restarts = 0  # runs its policy started after the first
        self.restarts_in_a_row = 0  # since its last healthy run (restart_policy.py)
        self.restart_at: float | None = None  # while it waits to run again
        self.new_run(process, start_method, started_at, level)

    def new_run(
        self, process: BaseProcess, start_method: str, started_at: float, level: int
    ) -> None:
        """Its process now: the first, or the one its restart policy started."""
        self.process = process
        self.pid: int | None = process.pid
        self.level = level  # as started: the channel says when it changes
        self.started_at = started_at
        self.ended_at: float | None = None
        self.exit_code: int | None = None
        self.stop_requested = False
        self.over_memory: int | None = None  # the RSS it was stopped at (memory_limit.py)
        self.start_method = start_method
        self.create_time = create_time_of(self.pid)  # tells our PID from a reused one
        self.exit_watch: int | None = None  # a pidfd the reaper waits on, closed when reaped
        self.channel: LogChannel | None = None  # its records, and what it notes (names, level)
        self.control: ControlLine | None = None  # commands to it (worker_control.py)

    def status(self) -> WorkerStatus:
        channel = self.channel
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
            process_names=dict(channel.process_names) if channel and channel.process_names else {},
            level=channel.level if channel and channel.level is not None else self.level,
            restarts=self.restarts,
            restart_at=self.restart_at,
            over_memory=self.over_memory,
        )


def wait_for_ends(
    workers: Iterable[WorkerRecord],
    timeout: float | None,
    on_tick: Callable[[], None] | None = None,
    until: Callable[[], bool] | None = None,
) -> bool:
    """Wait for every worker to end within one overall ``timeout``.

    ``on_tick`` (optional) is called every ``PROGRESS_TICK`` seconds of waiting, and
    once more when the time is up. The wait also gives up once ``until()`` is true.
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
            if until is not None and until():
                return False
    return True
