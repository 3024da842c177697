"""``--log-file`` lines: written by hand for speed, the same text as ``json.dumps``."""

from __future__ import annotations

import datetime
import json
import math

import pytest

from mproc_tui.core.log_file import entry_to_json
from mproc_tui.core.records import LogEntry


def _as_json_dumps_writes_it(entry: LogEntry) -> str:
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
    return json.dumps(record)


MOMENTS = [
    0.0, 1e-7, -1e-7, -1.5, 1e20, 1e300, math.inf, -math.inf, math.nan,
    1795975210.0, 1795975210.9995, 1795975210.9999995, 1795975210.9999994999,
    1795975210.0000005, 1795975210.0009995, 1795975210.12345649999,
]  # fmt: skip
TEXTS = ["plain", 'quote " and \\ back', "new\nline\ttab", "\x1b[2J\x07", "é ü \u2028", "\ud800"]


@pytest.mark.parametrize("created", MOMENTS)
@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("traceback", [None, "", "Traceback ...\nValueError"])
def test_a_line_is_what_json_dumps_writes(created: float, text: str, traceback: str | None) -> None:
    entry = LogEntry(3, created, 20, "INFO", text, text, 1, "t", "/p.py", 1, "f", text, traceback)
    line = entry_to_json(entry)
    assert line == _as_json_dumps_writes_it(entry)
    assert line.isascii() and json.loads(line)["message"] == text
