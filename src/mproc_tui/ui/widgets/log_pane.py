"""The live log pane: a line-API view over a bounded buffer of records.

Records are stored as they arrive (a tuple append each) and formatted only when a
line is drawn, so the cost of a flood is the cost of the visible lines, not of
every record: with workers logging tens of thousands of records a second, the
event loop stays free for keys.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mproc_tui.core.records import LogEntry
from mproc_tui.core.text import (
    LOG_PREFIX_WIDTH,
    display_line_count,
    format_log_lines,
    safe_text,
)

_LEVEL_START = 13  # after "HH:MM:SS.mmm "
_LEVEL_STYLES = {
    "DEBUG": "blue",
    "INFO": "green",
    "WARNING": "yellow",
    "ERROR": "bold red",
    "CRITICAL": "bold white on red",
}


def style_line(line: str, first_line: bool) -> Text:
    """Colour the level and dim the time of a record's first line; text stays literal."""
    text = Text(line, no_wrap=True, end="")
    if first_line:
        level = line[_LEVEL_START : _LEVEL_START + 8].rstrip()
        style = _LEVEL_STYLES.get(level)
        if style is not None:
            text.stylize("dim", 0, _LEVEL_START - 1)
            text.stylize(style, _LEVEL_START, _LEVEL_START + len(level))
    return text


# Records are kept as plain tuples (see LogPane.__init__): their fields by position.
_WORKER_ID = LogEntry._fields.index("worker_id")
_LEVEL = LogEntry._fields.index("level")


@dataclass(frozen=True)
class LogFilter:
    """Which lines the pane shows: a minimum level and, optionally, one worker."""

    min_level: int = 0
    worker_id: int | None = None
    worker_name: str = ""

    @property
    def active(self) -> bool:
        return self.min_level > logging.DEBUG or self.worker_id is not None

    def keeps(self, record: tuple[object, ...]) -> bool:
        level = record[_LEVEL]
        return (not isinstance(level, int) or level >= self.min_level) and (
            self.worker_id is None or record[_WORKER_ID] == self.worker_id
        )

    def describe(self) -> list[str]:
        shown = []
        if self.min_level > logging.DEBUG:
            shown.append(f"level ≥ {logging.getLevelName(self.min_level)}")
        if self.worker_id is not None:
            shown.append(f"{safe_text(self.worker_name)} only")
        return shown


def _line_text(record: tuple[object, ...], part: int) -> str:
    lines = format_log_lines(LogEntry._make(record))
    return lines[part] if part < len(lines) else ""  # a malformed record has one line


class LogPane(ScrollView, can_focus=True):
    """Follows new lines while at the bottom; keeps the newest ``max_lines`` lines.

    Scrolling up pauses following (the title counts what arrives meanwhile);
    reaching the bottom again, End or f resumes it.
    """

    BINDINGS = [
        Binding("end", "follow", "Follow", show=False),
        Binding("up", "move_cursor(-1)", "Up", show=False),
        Binding("down", "move_cursor(1)", "Down", show=False),
        Binding("enter", "open_detail", "Detail", show=False),
    ]

    @dataclass
    class DetailRequested(Message):
        """Enter on a line: show everything about its record."""

        entry: LogEntry

    DEFAULT_CSS = """
    LogPane {
        background: $surface;
        color: $text;
        overflow: auto auto;
    }
    """

    def __init__(self, max_lines: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.max_lines = max_lines
        # One item per display line: the record's fields and which of its lines this is.
        # Plain tuples, not LogEntry: CPython's GC stops tracking an exact tuple of
        # plain values, never a tuple subclass, and 10,000 tracked records made full
        # collections frequent and long (worst event-loop lag 300 ms under a flood).
        self._all: deque[tuple[tuple[object, ...], int]] = deque(maxlen=max_lines)
        self._lines = self._all  # what is shown: all lines, or those the filter keeps
        self._appended = 0  # lines ever shown; gives each shown line a stable number
        self.filter = LogFilter()
        self.search = ""  # highlighted wherever it appears (any case)
        self.cursor: int | None = None  # the chosen line: by search, click or arrows
        self._width = 0
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._scroll_pending = False
        self._follow_generation = 0  # bumped when the reader scrolls up: cancels a pending follow
        self.unseen = 0  # lines that arrived while the user was reading further up

    def on_mount(self) -> None:
        self._show_follow_state()

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def lines(self) -> list[str]:
        """Every buffered line as text (formats them all: for tests and export, not drawing)."""
        return [_line_text(entry, part) for entry, part in self._lines]

    def shown_entries(self) -> list[LogEntry]:
        """The records the pane shows now (after filters), oldest first."""
        return [LogEntry._make(record) for record, part in self._lines if part == 0]

    def add_entries(self, entries: Iterable[LogEntry]) -> None:
        following = self._scroll_pending or self.is_vertical_scroll_end
        lines, everything, keep = self._lines, self._all, self.filter.keeps
        shown_before = len(lines)
        filtered = lines is not everything
        width = self._width
        added = 0
        for entry in entries:
            count = display_line_count(entry)
            record = tuple(entry)
            items = [(record, 0)] if count == 1 else [(record, i) for i in range(count)]
            everything.extend(items)
            if filtered:
                if not keep(record):
                    continue
                lines.extend(items)
            if count == 1:
                width = max(width, len(entry.message) + len(entry.process_name))
            else:
                longest = max(len(part) for part in format_log_lines(entry))
                width = max(width, longest - LOG_PREFIX_WIDTH)
            added += count
        if not added:
            return
        if self.cursor is not None:  # lines that fell off the front move the cursor up
            self.cursor -= shown_before + added - len(lines)
            if self.cursor < 0:
                self.cursor = None
        self._appended += added
        self._width = width
        self.virtual_size = Size(width + LOG_PREFIX_WIDTH + 12, len(lines))
        self.refresh()
        if not following:
            self.unseen += added
            self._show_follow_state()
        if following and not self._scroll_pending:
            # Scroll once the new size is laid out; an immediate scroll lands short of
            # the end, after which the pane would stop following.
            self._scroll_pending = True
            self.call_after_refresh(self._scroll_to_newest, 5, self._follow_generation)

    def action_follow(self) -> None:
        self.follow()

    def follow(self) -> None:
        """Jump to the newest line and keep following (End or f)."""
        self.unseen = 0
        self._show_follow_state()
        self._scroll_pending = True
        self.call_after_refresh(self._scroll_to_newest, 5, self._follow_generation)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value < old_value:  # up: the reader wants to stay here, not be pulled down
            self._follow_generation += 1
            self._scroll_pending = False
        if self.unseen and self.is_vertical_scroll_end:  # the reader caught up
            self.unseen = 0
            self._show_follow_state()

    def set_filter(self, log_filter: LogFilter) -> None:
        """Show only the lines the filter keeps (all of them: ``LogFilter()``)."""
        self.filter = log_filter
        if log_filter.active:
            self._lines = deque(
                (item for item in self._all if log_filter.keeps(item[0])), maxlen=self.max_lines
            )
        else:
            self._lines = self._all
        self._appended = len(self._lines)
        self.cursor = None
        self._strips.clear()
        self.virtual_size = Size(self.virtual_size.width, len(self._lines))
        self.refresh()
        self.follow()

    def set_search(self, text: str) -> None:
        self.search = text
        self.cursor = None
        self._strips.clear()
        self.refresh()
        self._show_follow_state()

    def find(self, forward: bool = True) -> bool:
        """Move to the next (or previous) line containing the search text; wraps around."""
        term = self.search.casefold()
        total = len(self._lines)
        if not term or not total:
            return False
        start = self.cursor
        if start is None:
            start = int(self.scroll_y) - 1 if forward else int(self.scroll_y) + 1
        step = 1 if forward else -1
        for offset in range(1, total + 1):
            index = (start + step * offset) % total
            record, part = self._lines[index]
            if term in _line_text(record, part).casefold():
                self.cursor = index
                self.scroll_to(y=max(0, index - self.size.height // 2), animate=False)
                self._strips.clear()
                self.refresh()
                return True
        return False

    def action_move_cursor(self, step: int) -> None:
        if not self._lines:
            return
        start = self.cursor if self.cursor is not None else int(self.scroll_y) + self.size.height
        index = max(0, min(len(self._lines) - 1, start + step))
        self._set_cursor(index)
        height = self.scrollable_content_region.height
        if index < self.scroll_y:
            self.scroll_to(y=index, animate=False)
        elif index >= self.scroll_y + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self._lines):
            self._set_cursor(index)

    def action_open_detail(self) -> None:
        index = self.cursor if self.cursor is not None else len(self._lines) - 1
        if 0 <= index < len(self._lines):
            self.post_message(self.DetailRequested(LogEntry._make(self._lines[index][0])))

    def _set_cursor(self, index: int) -> None:
        self.cursor = index
        self._strips.clear()
        self.refresh()

    def _show_follow_state(self) -> None:
        parts = ["Logs", *self.filter.describe()]
        if self.search:
            parts.append(f"search {safe_text(self.search)!r}")
        if self.unseen:
            parts.append(f"paused, {self.unseen:,} new lines below (End or f)")
        self.border_title = " — ".join(parts)

    def _scroll_to_newest(self, tries: int, generation: int) -> None:
        if generation != self._follow_generation:  # the reader scrolled up meanwhile
            return
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        if not self.is_vertical_scroll_end and tries > 1:
            # Lines arrived after the last layout: the scroll stopped at the old end.
            self.call_after_refresh(self._scroll_to_newest, tries - 1, generation)
            return
        self._scroll_pending = False

    def clear(self) -> None:
        self._all.clear()
        self._lines.clear()
        self._strips.clear()
        self._width = 0
        self.virtual_size = Size(0, 0)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        rich_style = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, rich_style)
        number = self._appended - len(self._lines) + index
        strip = self._strips.get(number)
        if strip is None:
            entry, part = self._lines[index]
            text = style_line(_line_text(entry, part), first_line=part == 0)
            if self.search:
                text.highlight_words([self.search], "black on yellow", case_sensitive=False)
            if index == self.cursor:
                text.stylize("reverse")
            segments = list(text.render(self.app.console))
            strip = Strip(segments, text.cell_len)
            self._strips[number] = strip
        # The widget's style goes beneath the line's own (level colours stay on top).
        return strip.crop_extend(scroll_x, scroll_x + width, rich_style).apply_style(rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
