"""A single long-lived thread that runs every ``Process.start()``.

``PR_SET_PDEATHSIG`` follows the thread that forked the child, so spawns must come
from a thread that lives as long as the app. ``ThreadPoolExecutor`` is not usable:
a child forked from a pool thread runs the pool's exit hook, which joins that very
thread, fails, and makes every ``fork`` worker exit with code 1.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

Result = TypeVar("Result")

_STOP = object()


class SpawnerThread:
    """Run callables one at a time on one daemon thread and return their results."""

    def __init__(self, name: str = "mproc-tui-spawner") -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def call(self, function: Callable[[], Result]) -> Result:
        """Run ``function`` on the spawner thread and wait for its result or exception."""
        return self.submit(function).result()

    def submit(self, function: Callable[[], Result]) -> Future[Result]:
        """Run ``function`` on the spawner thread; its future holds the result."""
        future: Future[Result] = Future()
        self._jobs.put((function, future))
        return future

    def stop(self) -> None:
        self._jobs.put(_STOP)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            function, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function())
            except BaseException as error:
                future.set_exception(error)
