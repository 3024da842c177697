"""Messages that carry core results from background threads to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from mproc_tui.core.records import LogEntry
from mproc_tui.core.rows import WorkerRow


@dataclass
class LogBatchArrived(Message):
    """A batch of records from the listener thread (at most one per 50 ms)."""

    entries: list[LogEntry]


@dataclass
class WorkersSampled(Message):
    """A fresh snapshot of every worker, taken off the event loop."""

    rows: list[WorkerRow]


@dataclass
class RefreshRequested(Message):
    """Something changed a worker (spawn, signal, join): sample again now."""
