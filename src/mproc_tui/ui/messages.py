"""Messages that carry core results from background threads to the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from mproc_tui.core.rows import WorkerRow


@dataclass
class LogsWaiting(Message):
    """Records wait in the app's mailbox; at most one of these is ever queued."""


@dataclass
class WorkersSampled(Message):
    """A fresh snapshot of every worker, taken off the event loop."""

    rows: list[WorkerRow]


@dataclass
class RefreshRequested(Message):
    """The supervisor says a worker changed (``Supervisor.on_change``): sample again now."""


@dataclass
class RerunRequested(Message):
    """R: the watched program has ended, and the user wants it run again."""


@dataclass
class ProgressChanged(Message):
    """A long operation (a join, a stop) got further; ``text`` None means it is over."""

    operation: int
    text: str | None
    summary: str | None = None  # said once, as a toast, when the operation is over


@dataclass
class MachineryMade(Message):
    """The supervisor and the sampler are made, their modules imported off the event loop."""
