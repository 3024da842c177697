"""Export writes the records literally, as JSON lines or as the pane's text."""

from __future__ import annotations

import json
import time
from pathlib import Path

from mproc_tui.core.export import export_records
from mproc_tui.core.records import LogEntry


def _entry(message: str, traceback: str | None = None) -> LogEntry:
    return LogEntry(
        1, 0.0, 40, "ERROR", "root", "Process-1", 7, "MainThread", "", 0, "f", message, traceback
    )


def test_json_lines_and_text(tmp_path: Path) -> None:
    entries = [_entry("[bold]plain\x1b[2J"), _entry("boom", "Traceback\nValueError: x")]
    assert export_records(entries, tmp_path / "out.jsonl", "json") == 2
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert rows[0]["message"] == "[bold]plain\x1b[2J"  # data, exactly as logged
    assert rows[1]["traceback"] == "Traceback\nValueError: x"

    assert export_records(entries, tmp_path / "out.log", "text") == 2
    text = (tmp_path / "out.log").read_text().splitlines()
    assert text[0].endswith("Process-1: [bold]plain\\x1b[2J")  # visible, as on screen
    assert "\x1b" not in "".join(text)
    assert text[-1].strip() == "ValueError: x"


def test_text_lines_carry_the_date_and_the_logger(tmp_path: Path) -> None:
    """A file outlives the day it was written: each line says which day."""
    created = time.mktime((2026, 12, 2, 9, 30, 15, 0, 0, -1)) + 0.25
    entry = _entry("paid")._replace(created=created, logger_name="shop.orders")
    export_records([entry], tmp_path / "out.log", "text")
    line = (tmp_path / "out.log").read_text().splitlines()[0]
    assert line == "2026-12-02 09:30:15.250 ERROR    Process-1 [shop.orders]: paid"
