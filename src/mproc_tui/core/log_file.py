"""``--log-file``: every record received, appended as one JSON object a line."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from mproc_tui.core.records import LogEntry


def entry_to_json(entry: LogEntry) -> str:
    try:
        moment = datetime.datetime.fromtimestamp(entry.created).isoformat(timespec="milliseconds")
    except (OverflowError, ValueError, OSError):
        moment = None
    record: dict[str, object] = {
        "time": moment,
        "created": entry.created,
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
    """Appends batches on the listener's thread: file I/O never touches the UI's loop."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file: TextIO = self.path.open("a", encoding="utf-8")  # raises OSError early
        self.written = 0

    def __call__(self, batch: list[LogEntry]) -> None:
        self._file.write("".join(entry_to_json(entry) + "\n" for entry in batch))
        self._file.flush()
        self.written += len(batch)

    def close(self) -> None:
        self._file.close()


def fan_out(*sinks: Callable[[list[LogEntry]], None]) -> Callable[[list[LogEntry]], None]:
    """One listener callback that hands each batch to every sink, in order."""

    def deliver(batch: list[LogEntry]) -> None:
        for sink in sinks:
            sink(batch)

    return deliver
