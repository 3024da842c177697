"""``--max-rss``: a worker whose memory stays over its limit is stopped, as a crash is.

Its memory is its RSS plus its child processes' (a ``Pool`` it started counts toward
it), read by the same sampler the table uses. A spike is not a leak: only a worker
over its limit at every reading for ``OVER_LIMIT_SECONDS`` is stopped. The stop is no
stop on purpose: the worker's restart policy then applies, as to any failure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from mproc_tui.core.plan_options import OVER_LIMIT_SECONDS
from mproc_tui.core.sampler import Sampler
from mproc_tui.core.samples import SampleRequest
from mproc_tui.core.text import format_bytes

READ_EVERY = 1.0  # seconds between readings


@dataclass(frozen=True)
class Limited:
    """A running worker with a memory limit, as the supervisor lists them."""

    worker_id: int
    request: SampleRequest
    limit: int


@dataclass(frozen=True)
class MemoryNote:
    """A worker stopped for its memory, for a line or a toast."""

    name: str
    pid: int | None
    rss: int
    limit: int
    grace: float

    def describe(self) -> str:
        who = f"{self.name} (pid {self.pid})" if self.pid is not None else self.name
        return (
            f"{who} used {format_bytes(self.rss)}, over its --max-rss of "
            f"{format_bytes(self.limit)} for {OVER_LIMIT_SECONDS:g} s: stopping it "
            f"(SIGTERM, SIGKILL after {self.grace:g} s)"
        )


def total_rss(sampler: Sampler, requests: dict[int, SampleRequest]) -> dict[int, int]:
    """Each worker's RSS with its child processes', by worker id; ended ones left out."""
    totals: dict[int, int] = {}
    for worker_id, sample in sampler.sample(requests).items():
        if sample.rss is not None:
            totals[worker_id] = sample.rss + sum(child.rss or 0 for child in sample.children)
    return totals


class OverLimit:
    """Which workers have been over their limit at every reading for long enough.

    Plain bookkeeping, fed readings with their time: tested without a process.
    """

    def __init__(self, seconds: float = OVER_LIMIT_SECONDS) -> None:
        self._seconds = seconds
        self._since: dict[int, float] = {}  # worker id -> first reading over, in a row

    def read(self, readings: dict[int, tuple[int, int]], now: float) -> list[int]:
        """``readings``: worker id -> (rss, limit). Returns those over for long enough,
        once each: a worker returned starts its count again."""
        due = []
        for worker_id in list(self._since):
            if worker_id not in readings:
                del self._since[worker_id]
        for worker_id, (rss, limit) in readings.items():
            if rss <= limit:
                self._since.pop(worker_id, None)
                continue
            since = self._since.setdefault(worker_id, now)
            if now - since >= self._seconds:
                due.append(worker_id)
                del self._since[worker_id]
        return due


class MemoryWatch:
    """A thread that reads limited workers' memory and calls ``over(worker_id, rss)``."""

    def __init__(
        self,
        limited: Callable[[], list[Limited]],
        over: Callable[[int, int], None],
        every: float = READ_EVERY,
    ) -> None:
        self._limited = limited
        self._over = over
        self._every = every
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Started by the first worker with a limit: most runs never need it."""
        with self._lock:
            if self._thread is None and not self._stopping.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="mproc-tui-memory", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        sampler, over_limit = Sampler(), OverLimit()
        while not self._stopping.wait(self._every):
            limited = self._limited()
            totals = total_rss(sampler, {item.worker_id: item.request for item in limited})
            readings = {
                item.worker_id: (totals[item.worker_id], item.limit)
                for item in limited
                if item.worker_id in totals
            }
            for worker_id in over_limit.read(readings, time.monotonic()):
                self._over(worker_id, readings[worker_id][0])
