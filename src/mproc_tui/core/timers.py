"""One thread that calls each callback at its time: restarts after their back-off.

A ``threading.Timer`` per restart would be a thread per waiting worker; a crash loop
of a thousand workers would be a thousand threads. Callbacks run one at a time, in
the order they fall due, and a failing one never stops the rest.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
import time
from collections.abc import Callable


class Timers:
    """``call_at(due, callback)``: ``callback()`` on the timers' thread once ``time.monotonic()``
    reaches ``due``; never blocks the caller. ``stop()`` drops what has not fallen due."""

    def __init__(self, name: str = "mproc-tui-timers") -> None:
        self._name = name
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def call_at(self, due: float, callback: Callable[[], None]) -> None:
        with self._changed:
            if self._stopping:
                return
            heapq.heappush(self._due, (due, next(self._order), callback))
            if self._thread is None:  # started by the first: most runs never need it
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._changed.notify()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._due.clear()
            self._changed.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._stopping and (not self._due or self._due[0][0] > time.monotonic()):
                    wait = self._due[0][0] - time.monotonic() if self._due else None
                    self._changed.wait(wait)
                if self._stopping:
                    return
                _, _, callback = heapq.heappop(self._due)
            with contextlib.suppress(Exception):  # one failing callback must not stop the rest
                callback()
