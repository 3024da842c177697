"""``--log-file``: every record received, appended as one JSON object a line."""

from __future__ import annotations

import contextlib
import datetime
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from mproc_tui.core.records import LogEntry

ErrorReport = Callable[[str], None]


def entry_to_json(entry: LogEntry) -> str:
    try:
        moment = datetime.datetime.fromtimestamp(entry.created).isoformat(timespec="milliseconds")
    except (OverflowError, ValueError, OSError):
        moment = None
    record: dict[str, object] = {
        "time": moment,
        "created": entry.created if math.isfinite(entry.created) else None,
        "worker": entry.process_name,
        "pid": entry.pid,
        "level": entry.level_name,
        "logger": entry.logger_name,
        "message": entry.message,
    }
    if entry.traceback:
        record["traceback"] = entry.traceback
    # ensure_ascii keeps lone surrogates and control characters as \\u escapes.
    return json.dumps(record, ensure_ascii=True)


class JsonLinesLog:
    """Appends batches on the listener's thread: file I/O never touches the UI's loop.

    A write that fails (disk full, file removed) is reported once through
    ``on_error`` and writing stops; the records still reach every other view.
    """

    def __init__(self, path: str | Path, on_error: ErrorReport | None = None) -> None:
        self.path = Path(path)
        self._file: TextIO = self.path.open("a", encoding="utf-8")  # raises OSError early
        self.on_error = on_error
        self.written = 0
        self.failed: str | None = None

    def __call__(self, batch: list[LogEntry]) -> None:
        if self.failed is not None:
            return
        try:
            self._file.write("".join(entry_to_json(entry) + "\n" for entry in batch))
            self._file.flush()
        except (OSError, ValueError) as error:
            self.failed = f"--log-file {self.path}: writing stopped: {error}"
            if self.on_error is not None:
                self.on_error(self.failed)
            return
        self.written += len(batch)

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._file.close()


def fan_out(*sinks: Callable[[list[LogEntry]], None]) -> Callable[[list[LogEntry]], None]:
    """One listener callback that hands each batch to every sink, in order.

    A sink that raises does not keep the batch from the sinks after it.
    """

    def deliver(batch: list[LogEntry]) -> None:
        for sink in sinks:
            with contextlib.suppress(Exception):
                sink(batch)

    return deliver
