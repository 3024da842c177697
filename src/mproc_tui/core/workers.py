"""What the supervisor knows of each worker: the spec it runs, its lifecycle, its status.

Plain data shared by the supervisor, the stop policy and every view. ``WorkerRecord``
is the supervisor's mutable record; everything that leaves the supervisor is an
immutable ``WorkerStatus`` snapshot, safe to hand across threads.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from mproc_tui.core.process_control import create_time_of
from mproc_tui.core.restart_policy import RestartPolicy

if TYPE_CHECKING:
    from mproc_tui.core.channel import LogChannel
    from mproc_tui.core.worker_control import ControlLine

SLEEPER_TARGET = "mproc_tui.catalog:sleeper"
FIRST_ROW = 1_000_001  # a watched program's row ids, apart from the workers mproc-tui starts
PROGRESS_TICK = 0.25  # seconds between progress reports of a long wait
# Sent to a process, these ask it to end (STOP, CONT, USR1, USR2 do not).
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
    level: int | None = None  # its root logger's level at start; None: the supervisor's
    restart: RestartPolicy = field(default_factory=RestartPolicy)  # whether it runs again
    max_rss: int | None = None  # bytes, its child processes' too: stopped when over for long


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
    # pid -> multiprocessing name of each process it started (a Pool's workers, ...)
    process_names: Mapping[int, str] = field(default_factory=dict)
    level: int = 0  # its root logger's level: as started, then as it last said
    restarts: int = 0  # how many times its policy ran it again
    restart_at: float | None = None  # (time.time()) when it runs again, while it waits
    over_memory: int | None = None  # the RSS it was stopped at, over its --max-rss

    @property
    def alive(self) -> bool:
        return self.exit_code is None


@dataclass(frozen=True, slots=True)
class StopReport:
    """How a stop went: how many were signalled, needed SIGKILL, and have ended so far."""

    signalled: int
    escalated: int
    ended: int = 0  # of the signalled, how many have ended so far


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
