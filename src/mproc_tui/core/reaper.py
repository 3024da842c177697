"""One thread that waits on every worker's sentinel and reports each ending once.

Only this thread reaps. ``Process.join`` and ``Process.exitcode`` called from
several threads race: under forkserver both read the exit status from the same
sentinel pipe and the loser records 255. And a join per waiting thread would tie
up a thread pool that the UI also needs.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
from collections.abc import Callable


class Reaper:
    """Calls ``on_ended(key)`` on its own thread when a watched sentinel becomes ready.

    Each sentinel is registered once with one long-lived selector: waiting anew on
    every sentinel after each start (``multiprocessing.connection.wait``) cost the
    thousandth start a thousand registrations, 1.1 s of CPU for 1,000 workers.
    """

    def __init__(self, on_ended: Callable[[int], None]) -> None:
        self._on_ended = on_ended
        self._lock = threading.Lock()
        self._new: list[tuple[int, int]] = []  # (sentinel fd, key), not yet registered
        self._wake_read, self._wake_write = os.pipe()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="mproc-tui-reaper", daemon=True)
        self._thread.start()

    def watch(self, key: int, sentinel: int) -> None:
        with self._lock:
            woken = bool(self._new)  # (a wake is on its way: one a batch is enough)
            self._new.append((sentinel, key))
        if not woken:
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
        with selectors.DefaultSelector() as selector:
            selector.register(self._wake_read, selectors.EVENT_READ)
            while not self._stopping:
                with self._lock:
                    new, self._new = self._new, []
                for sentinel, key in new:
                    selector.register(sentinel, selectors.EVENT_READ, key)
                for ready, _events in selector.select():
                    if ready.fd == self._wake_read:
                        os.read(self._wake_read, 4096)
                        continue
                    selector.unregister(ready.fd)  # before on_ended may close it
                    self._on_ended(ready.data)
