"""``--log-file``: every record received, appended as one JSON object a line."""

from __future__ import annotations

import contextlib
import datetime
import functools
import math
from collections.abc import Callable
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import TextIO

from mproc_tui.core.records import LogEntry

ErrorReport = Callable[[str], None]


def entry_to_json(entry: LogEntry) -> str:
    """One JSON object, keys in this order: ``json.dumps`` of the same dict gives the same
    text, written by hand because a flood writes hundreds of thousands of them."""
    created = entry.created
    finite = math.isfinite(created)
    parts = [
        '{"time": ',
        _moment(created) if finite else "null",
        ', "created": ',
        float.__repr__(created) if finite else "null",
        ', "worker": ',
        _string(entry.process_name),
        ', "pid": ',
        int.__repr__(entry.pid),
        ', "level": ',
        _string(entry.level_name),
        ', "logger": ',
        _string(entry.logger_name),
        ', "message": ',
        _string(entry.message),
    ]
    if entry.traceback:
        parts += (', "traceback": ', _string(entry.traceback))
    parts.append("}")
    return "".join(parts)


def _string(text: str) -> str:
    # ASCII escapes keep lone surrogates and control characters as \u escapes.
    return encode_basestring_ascii(text)


@functools.lru_cache(maxsize=64)
def _second(second: int) -> str:
    return datetime.datetime.fromtimestamp(second).isoformat()


def _moment(created: float) -> str:
    """``datetime.fromtimestamp(created).isoformat(timespec="milliseconds")``, quoted,
    with the date and time of the second made once for all its records."""
    second = math.floor(created)
    micro = round((created - second) * 1e6)  # as fromtimestamp rounds
    if micro >= 1_000_000:
        second, micro = second + 1, micro - 1_000_000
    try:
        return f'"{_second(second)}.{micro // 1000:03d}"'
    except (OverflowError, ValueError, OSError):
        return "null"


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
