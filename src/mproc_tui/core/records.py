"""The plain-data log record that crosses the process boundary."""

from __future__ import annotations

from typing import Any, NamedTuple


class LogEntry(NamedTuple):
    """One log record, flattened in the worker so the parent never unpickles user objects.

    A ``logging.LogRecord`` carries ``args`` and ``exc_info`` that may not pickle
    or may run user code when formatted; flattening to strings in the worker keeps the
    parent safe and makes each record cheap to send.
    """

    worker_id: int
    created: float
    level: int
    level_name: str
    logger_name: str
    process_name: str
    pid: int
    thread_name: str
    pathname: str
    lineno: int
    function: str
    message: str
    traceback: str | None


# A ``LogEntry``'s fields as an exact tuple, as views keep them: CPython's garbage
# collector stops tracking an exact tuple of plain values, never a named tuple, and
# 10,000 records tracked for as long as a view kept them made every older collection
# walk them all (worst event-loop lag 300 ms in a flood).
Record = tuple[Any, ...]
