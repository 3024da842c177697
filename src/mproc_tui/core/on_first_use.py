"""A value made when it is first needed: the supervisor, after the first frame."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class OnFirstUse(Generic[Value]):
    """Calling it returns the value, made by ``make`` on the first call, from any thread.

    ``make`` runs once: a caller that comes while it runs waits for it, and every
    caller gets the same value. If ``make`` raises, nothing is kept and the next call
    tries again. ``made`` says whether it has run, without running it: what is never
    made needs no shutting down.
    """

    def __init__(self, make: Callable[[], Value]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._kept: list[Value] = []  # [the value], once made

    @property
    def made(self) -> bool:
        return bool(self._kept)

    def __call__(self) -> Value:
        if not self._kept:
            with self._lock:
                if not self._kept:
                    self._kept.append(self._make())
        return self._kept[0]
