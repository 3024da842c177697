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
        super().__init__(highlight=True, max_lines=max_lines, auto_scroll=False, **kwargs)  # type: ignore[arg-type]
        self.highlighter = LevelHighlighter()
        self._scroll_pending = False

    def add_entries(self, entries: Iterable[LogEntry]) -> None:
        lines: list[str] = []
        for entry in entries:
            lines.extend(format_log_lines(entry))
        if self.max_lines is not None and len(lines) > self.max_lines:
            lines = lines[-self.max_lines :]
        if not lines:
            return
        following = self._scroll_pending or self.is_vertical_scroll_end
        self.write_lines(lines)
        if following and not self._scroll_pending:
            # Log's own immediate scroll runs before the new size is laid out and
            # lands short of the end, after which the pane stops following.
            self._scroll_pending = True
            self.call_after_refresh(self._scroll_to_newest)

    def _scroll_to_newest(self) -> None:
        self._scroll_pending = False
        self.scroll_end(animate=False, immediate=True, x_axis=False)
