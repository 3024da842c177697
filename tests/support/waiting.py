"""Wait for a condition, never for a fixed time: the one waiting loop of the tests.

CI runs the suite on two busy cores, so a test reads what it checks only once the
condition holds, within a generous bound. ``wait_for`` is for app tests (the event
loop keeps running while it waits); ``wait_until`` for threads and processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from textual.pilot import Pilot

TIMEOUT = 15.0


def _deadline(what: str, timeout: float) -> Iterator[None]:
    """Yields until the time is up, then fails naming what was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() <= deadline:
        yield
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


async def wait_for(
    pilot: Pilot[None], predicate: Callable[[], bool], what: str, timeout: float = TIMEOUT
) -> None:
    for _ in _deadline(what, timeout):
        if predicate():
            return
        await pilot.pause(0.05)


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    for _ in _deadline(what, timeout):
        if predicate():
            return
        time.sleep(0.02)
