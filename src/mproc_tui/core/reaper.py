"""One thread that waits on every worker's sentinel and reports each ending once.

Only this thread reaps. ``Process.join`` and ``Process.exitcode`` called from
several threads race: under forkserver both read the exit status from the same
sentinel pipe and the loser records 255. And a join per waiting thread would tie
up a thread pool that the UI also needs.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import wait


class Reaper:
    """Calls ``on_ended(key)`` on its own thread when a watched sentinel becomes ready."""

    def __init__(self, on_ended: Callable[[int], None]) -> None:
        self._on_ended = on_ended
        self._lock = threading.Lock()
        self._sentinels: dict[int, int] = {}  # sentinel fd -> key
        self._wake_read, self._wake_write = os.pipe()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="mproc-tui-reaper", daemon=True)
        self._thread.start()

    def watch(self, key: int, sentinel: int) -> None:
        with self._lock:
            self._sentinels[sentinel] = key
        self._wake()

    def stop(self) -> None:
        self._stopping = True
        self._wake()
        self._thread.join(timeout=5)
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"x")

    def _run(self) -> None:
        while not self._stopping:
            with self._lock:
                watched = dict(self._sentinels)
            for ready in wait([self._wake_read, *watched]):
                if ready == self._wake_read:
                    os.read(self._wake_read, 4096)
                    continue
                assert isinstance(ready, int)  # wait() returns what it was given: descriptors
                with self._lock:
                    key = self._sentinels.pop(ready)
                self._on_ended(key)
