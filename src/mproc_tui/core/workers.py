"""What the supervisor knows of each worker: the spec it runs, its lifecycle, its status.

Plain data shared by the supervisor, the stop policy and every view: everything that
leaves the supervisor is an immutable ``WorkerStatus`` snapshot, safe to hand across
threads. The supervisor's own mutable record is ``worker_record.py``.
"""

from __future__ import annotations

import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mproc_tui.core.restart_policy import RestartPolicy

SLEEPER_TARGET = "mproc_tui.catalog:sleeper"
START_METHODS = ("forkserver", "spawn", "fork")
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
