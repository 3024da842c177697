"""CPython's garbage collector, tuned for a flood of records through a long-lived app."""

from __future__ import annotations

import gc

PYTHON_THRESHOLDS = gc.get_threshold()  # as the interpreter started, before any tuning


def tune_garbage_collector() -> None:
    """Let log records die young instead of being promoted into full collections.

    Under a flood, tens of thousands of records a second pass through the listener
    and the mailbox; with CPython's default thresholds (700, 10, 10) they are
    promoted to the oldest generation while in transit, and full collections (7 in
    6 s, 160-225 ms each) were the event loop's worst stalls. With (50000, 20, 20):
    3 young collections in 6 s, worst lag 290 -> 73 ms, ingest 39k -> 52k records/s
    (tests/bench/bench_logs.py, 4 flooding workers, 2 cores).
    """
    gc.set_threshold(50_000, 20, 20)


def give_back_python_thresholds() -> None:
    """In a worker forked from the app: the user's code collects as Python does, not as
    the app was tuned (a ``fork`` worker inherited the app's thresholds)."""
    gc.set_threshold(*PYTHON_THRESHOLDS)


_frozen = False


def freeze_what_start_up_made() -> None:
    """Move every object start-up made (the app, its widgets, Textual's caches) out of
    the collector's reach, once the first frame is drawn: they live as long as the app,
    and the older collections walked them all. Under a flood the worst lag went from
    95-147 ms to 55-81 ms. Once a process: a test runs many apps in one."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()
