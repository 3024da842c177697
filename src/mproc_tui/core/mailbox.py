"""Coalesce log batches for a consumer that may be slower than the transport."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from mproc_tui.core.records import LogEntry, Record


class BatchMailbox:
    """Collects batches on the listener thread; the consumer takes them all at once.

    The consumer is told at most once until it takes what is waiting, so however
    fast records arrive there is never more than one notification in its queue
    (a UI's key presses wait behind no backlog). Only the newest ``limit`` records
    are kept: a view that shows ``limit`` lines could not show older ones anyway.
    They are kept, and taken, as plain tuples (``Record``), made here on the
    listener's thread rather than on the consumer's.
    """

    def __init__(self, notify: Callable[[], None], limit: int) -> None:
        self._notify = notify
        self._entries: deque[Record] = deque(maxlen=limit)
        self._lock = threading.Lock()
        self._notified = False
        self.dropped = 0

    def __call__(self, batch: list[LogEntry]) -> None:
        with self._lock:
            overflow = len(self._entries) + len(batch) - (self._entries.maxlen or 0)
            if overflow > 0:
                self.dropped += overflow
            self._entries.extend(map(tuple, batch))
            tell = not self._notified
            self._notified = True
        if tell:
            self._notify()

    def take(self) -> list[Record]:
        """Everything waiting, oldest first; the next batch notifies again."""
        with self._lock:
            entries = list(self._entries)
            self._entries.clear()
            self._notified = False
        return entries
