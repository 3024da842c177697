"""Enter on a log line: every field of its record, and its full traceback."""

from __future__ import annotations

import datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from mproc_tui.core.records import LogEntry
from mproc_tui.core.text import safe_text
from mproc_tui.ui.screens.click_away import ClickAwayModal


def _moment(created: float) -> str:
    try:
        return datetime.datetime.fromtimestamp(created).isoformat(timespec="milliseconds")
    except (OverflowError, ValueError, OSError):
        return repr(created)


def detail_fields(entry: LogEntry) -> list[tuple[str, str]]:
    """(label, value) pairs, every value made safe to show."""
    place = f"{entry.pathname}:{entry.lineno}" if entry.pathname else "(none)"
    fields = [
        ("time", _moment(entry.created)),
        ("level", f"{entry.level_name} ({entry.level})"),
        ("logger", entry.logger_name),
        ("process", f"{entry.process_name} (pid {entry.pid})"),
        ("thread", entry.thread_name),
        ("file:line", place),
        ("function", entry.function if entry.function not in ("", "None") else "(none)"),
        ("message", entry.message),
    ]
    return [(label, safe_text(str(value))) for label, value in fields]


class DetailScreen(ClickAwayModal[None]):
    DEFAULT_CSS = """
    #detail-dialog {
        width: 90%;
        max-height: 85%;
    }
    #detail-title, #detail-traceback-title {
        text-style: bold;
        margin: 1 0 0 0;
    }
    #detail-traceback {
        color: $error;
    }
    #detail-hint {
        margin-top: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, entry: LogEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")  # long unbroken text (URLs, blobs) wraps, never cut
        for label, value in detail_fields(self.entry):
            table.add_row(Text(label), Text(value))
        with VerticalScroll(id="detail-dialog", classes="dialog"):
            yield Label("Record", id="detail-title")
            yield Static(table)
            if self.entry.traceback:
                yield Label("Traceback", id="detail-traceback-title")
                lines = self.entry.traceback.split("\n")
                yield Static(
                    Text("\n".join(safe_text(line) for line in lines)), id="detail-traceback"
                )
            yield Label("Esc closes.", id="detail-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
