"""The live log pane: batched writes, literal text, levels in colour."""

from __future__ import annotations

from collections.abc import Iterable

from rich.highlighter import Highlighter
from rich.text import Text
from textual.widgets import Log

from mproc_tui.core.records import LogEntry
from mproc_tui.core.text import format_log_lines

_LEVEL_START = 13  # after "HH:MM:SS.mmm "
_LEVEL_STYLES = {
    "DEBUG": "blue",
    "INFO": "green",
    "WARNING": "yellow",
    "ERROR": "bold red",
    "CRITICAL": "bold white on red",
}


class LevelHighlighter(Highlighter):
    """Colour the level column and dim the time; never reads markup in the text."""

    def highlight(self, text: Text) -> None:
        plain = text.plain
        level = plain[_LEVEL_START : _LEVEL_START + 8].rstrip()
        style = _LEVEL_STYLES.get(level)
        if style is None:
            return
        text.stylize("dim", 0, _LEVEL_START - 1)
        text.stylize(style, _LEVEL_START, _LEVEL_START + len(level))


class LogPane(Log):
    """Shows every record as it arrives; one ``write_lines`` per batch."""

    def __init__(self, max_lines: int, **kwargs: object) -> None:
        super().__init__(highlight=True, max_lines=max_lines, auto_scroll=True, **kwargs)  # type: ignore[arg-type]
        self.highlighter = LevelHighlighter()

    def add_entries(self, entries: Iterable[LogEntry]) -> None:
        lines: list[str] = []
        for entry in entries:
            lines.extend(format_log_lines(entry))
        if self.max_lines is not None and len(lines) > self.max_lines:
            lines = lines[-self.max_lines :]
        if lines:
            self.write_lines(lines)
