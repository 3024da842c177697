"""Write records to a file, as JSON lines or as the text the log pane shows."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from mproc_tui.core.log_file import entry_to_json
from mproc_tui.core.records import LogEntry
from mproc_tui.core.text import format_log_lines

ExportFormat = Literal["json", "text"]


def export_records(entries: Iterable[LogEntry], path: str | Path, form: ExportFormat) -> int:
    """Write every entry (creating or replacing ``path``); returns how many were written.

    Text is made safe as on screen (escapes and control characters stay visible), each
    line dated and naming its logger (a file outlives the day it was written).
    """
    written = 0
    with Path(path).open("w", encoding="utf-8") as file:
        for entry in entries:
            if form == "json":
                file.write(entry_to_json(entry) + "\n")
            else:
                file.write(
                    "".join(
                        line + "\n" for line in format_log_lines(entry, logger=True, dated=True)
                    )
                )
            written += 1
    return written
