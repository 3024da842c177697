"""What a sweep of the workers yields, and when the next may start: plain data, no psutil.

The table, the rows and the app use these from the first frame; psutil itself
(``sampler.py``) is imported once the first sweep runs, after that frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChildSample:
    """A process a worker started (or one of theirs): what the tree view shows."""

    pid: int
    parent_pid: int
    depth: int  # 1: the worker's own child; 2: its grandchild; ...
    name: str
    state: str
    cpu_percent: float | None
    rss: int | None


@dataclass(frozen=True, slots=True)
class ProcessSample:
    """psutil's view of one process at one moment."""

    pid: int
    state: str
    cpu_percent: float | None
    rss: int | None
    threads: int | None
    children: tuple[ChildSample, ...] = ()


@dataclass(frozen=True, slots=True)
class SampleRequest:
    """Which process to sample for a worker, and when the worker was started."""

    pid: int
    started_at: float
    create_time: float | None = None  # when known, the process must have exactly this


class SweepPacer:
    """Keeps sweeps to a share of the time while changes keep asking for them.

    Every spawn asks for a sweep so its row shows at once; a burst of a thousand would
    sweep back to back (at 1,000 workers a sweep takes about 100 ms), and the sweeps
    would take the GIL the spawns need: 300 workers started at 110/s, at 135/s paced.
    After a sweep that took ``d`` seconds the next starts no sooner than
    ``max(least, d / share - d)`` seconds later.
    """

    def __init__(
        self,
        share: float = 0.1,
        least: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._share = share
        self._least = least
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    def wait_turn(self) -> None:
        """Sleep until the next sweep may start (on the sampling thread)."""
        delay = self._next - self._clock()
        if delay > 0:
            self._sleep(delay)

    def swept(self, seconds: float) -> None:
        gap = max(self._least, seconds / self._share - seconds)
        self._next = self._clock() + gap
