"""Many workers started in one go: in the order given, up to two starts in flight.

A start under forkserver is mostly a wait: the fork server accepts, forks and writes
back the new PID while the app's thread sits idle. Starting one worker after another,
1,000 took 7-9 s with the app's two cores half idle; with a second lane, one start's
wait overlaps the next one's own work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from mproc_tui.core.spawner_thread import SpawnerThread
from mproc_tui.core.workers import SupervisorError, WorkerSpec

Prepared = TypeVar("Prepared")

PROGRESS_EVERY = 0.05  # seconds: while a batch starts, its news goes out this often
# A batch this long starts two at a time under forkserver (fork and spawn keep to the one
# thread their death signal follows), its channels made ahead. Below it, PIDs follow the
# names exactly, as in the lesson; above, two neighbours may swap.
TWO_LANES_FROM = 8


class StartBatch(Generic[Prepared]):
    """Starts ``specs`` until a refusal or ``until()``, from as many lanes as run ``lane()``.

    Each start is prepared in turn under the batch's lock, so ids, names and channels
    follow the order given (``Process-1`` before ``renamed worker``); only the launch
    runs outside it. The first refusal ends the batch for every lane and is kept in
    ``refusal``; ``started`` holds the ids started, in order.
    """

    def __init__(
        self,
        specs: Iterable[WorkerSpec],
        prepare: Callable[[WorkerSpec], Prepared],
        launch: Callable[[Prepared], int],
        until: Callable[[], bool],
        on_progress: Callable[[], None],
    ) -> None:
        self._specs = iter(specs)
        self._prepare = prepare
        self._launch = launch
        self._until = until
        self._on_progress = on_progress
        self._lock = threading.Lock()
        self._ended = False
        self._told = time.monotonic()
        self._started: list[int] = []
        self.refusal: SupervisorError | None = None

    @property
    def started(self) -> list[int]:
        with self._lock:
            return sorted(self._started)

    def run(self, second_lane: SpawnerThread | None = None) -> None:
        """Run a lane on this thread, and one on ``second_lane`` too, until the batch ends."""
        other = second_lane.submit(self.lane) if second_lane is not None else None
        try:
            self.lane()
        finally:
            if other is not None:
                other.exception()  # (waits; an error of its own ended the batch)

    def lane(self) -> None:
        """Start workers until the batch ends; run it on one thread or on two at once."""
        try:
            while (prepared := self._next()) is not None:
                worker_id = self._launch(prepared)
                with self._lock:
                    self._started.append(worker_id)
                    tell = time.monotonic() - self._told >= PROGRESS_EVERY
                    if tell:
                        self._told = time.monotonic()
                if tell:  # (each tells the event loop: not at every start)
                    self._on_progress()
        except SupervisorError as refusal:
            self._end(refusal)
        except BaseException:
            self._end(None)  # the other lane stops too; this one's error goes up
            raise

    def _next(self) -> Prepared | None:
        with self._lock:
            if self._ended or self._until():
                return None
            spec = next(self._specs, None)
            if spec is None:
                return None
            try:
                return self._prepare(spec)
            except BaseException:
                self._ended = True
                raise

    def _end(self, refusal: SupervisorError | None) -> None:
        with self._lock:
            self._ended = True
            if self.refusal is None:
                self.refusal = refusal
