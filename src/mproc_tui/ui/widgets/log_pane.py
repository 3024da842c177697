"""The live log pane: a line-API view over a bounded buffer of records.

Records are stored as they arrive (a tuple append each) and formatted only when a
line is drawn, so the cost of a flood is the cost of the visible lines, not of
every record: with workers logging tens of thousands of records a second, the
event loop stays free for keys.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
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
_PROCESS_NAME = LogEntry._fields.index("process_name")
_MESSAGE = LogEntry._fields.index("message")
_TRACEBACK = LogEntry._fields.index("traceback")


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


_CONTINUATION_STYLE = Style(dim=True)
_CAPTURED_STREAMS = ("stdout", "stderr")  # their lines add " [stdout]" to the name


def first_line_cells(entry: LogEntry) -> int:
    """Cells of a one-line record's line; the common case without formatting it.

    Printable ASCII is one cell a character and passes ``safe_text`` unchanged, so
    the width is a sum of lengths: wrapping stays cheap under a flood (formatting
    every record would cost 4-5 us each, a fifth of a second per 50,000).
    """
    message, name = entry.message, entry.process_name
    try:
        if (
            message.isascii()
            and message.isprintable()
            and name.isascii()
            and name.isprintable()
            and entry.level_name.isascii()
            and entry.logger_name not in _CAPTURED_STREAMS
        ):
            return LOG_PREFIX_WIDTH + len(name) + 2 + len(message)
    except AttributeError:  # not text: format_log_lines makes it readable
        pass
    return cell_len(format_log_lines(entry)[0])


class WrapLayout:
    """Where each shown line starts when long lines wrap, as absolute row numbers.

    Kept beside the pane's lines (same length, same maxlen), so dropping the oldest
    line drops its start too and a row maps to its line by bisection, without
    walking 10,000 lines on every frame. Continuation rows are indented under the
    message, as the traceback's own lines are.
    """

    def __init__(self, width: int, max_lines: int) -> None:
        self.width = width
        self.indent = LOG_PREFIX_WIDTH if width > LOG_PREFIX_WIDTH + 8 else 0
        self.starts: deque[int] = deque(maxlen=max_lines)
        self.total = 0

    def rows_for(self, cells: int) -> int:
        """Rows a line of ``cells`` cells takes: the first holds ``width``, the rest less."""
        if cells <= self.width:
            return 1
        rest = self.width - self.indent
        return 1 + -(-(cells - self.width) // rest)

    def append(self, cells: int) -> None:
        self.starts.append(self.total)
        self.total += self.rows_for(cells)

    @property
    def first(self) -> int:
        return self.starts[0] if self.starts else self.total

    @property
    def height(self) -> int:
        return self.total - self.first

    def row_of(self, index: int) -> int:
        """The first row of shown line ``index``."""
        return self.starts[index] - self.first

    def locate(self, row: int) -> tuple[int, int]:
        """The shown line at ``row`` and which of its rows it is."""
        absolute = self.first + row
        index = bisect_right(self.starts, absolute) - 1
        return index, absolute - self.starts[index]

    def span(self, chunk: int) -> tuple[int, int]:
        """The cells of a line that row ``chunk`` shows."""
        if chunk == 0:
            return 0, self.width
        rest = self.width - self.indent
        start = self.width + (chunk - 1) * rest
        return start, start + rest


class LogPane(ScrollView, can_focus=True):
    """Follows new lines while at the bottom; keeps the newest ``max_lines`` lines.

    Scrolling up pauses following (the title counts what arrives meanwhile);
    reaching the bottom again, End or f resumes it.
    """

    BINDINGS = [
        Binding("end", "follow", "Follow", show=False, tooltip="Follow new lines again"),
        Binding(
            "home", "scroll_home", "Top", show=False, tooltip="The oldest line (pauses following)"
        ),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="Page up (pauses following)"),
        Binding("up", "move_cursor(-1)", "Up", show=False, tooltip="Choose the line above"),
        Binding("down", "move_cursor(1)", "Down", show=False, tooltip="Choose the line below"),
        Binding(
            "enter", "open_detail", "Detail", show=False, tooltip="Every field of the chosen record"
        ),
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
        # Following is the reader's choice, not a position: a pane that gets shorter
        # (a resize, the search box opening) is no longer at the end but still follows.
        self.following = True
        self._follow_generation = 0  # bumped when the reader scrolls up: cancels a pending follow
        self.unseen = 0  # lines that arrived while the user was reading further up
        self.wrap: WrapLayout | None = None  # None: long lines scroll sideways instead

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
        following = self.following
        lines, everything, keep, wrap = self._lines, self._all, self.filter.keeps, self.wrap
        shown_before = len(lines)
        first_row_before = self._first_row
        filtered = lines is not everything
        width = self._width
        added = 0
        keep_everything, keep_shown = everything.append, lines.append
        for entry in entries:
            message = entry[_MESSAGE]
            if not entry[_TRACEBACK] and "\n" not in message:
                # One line: the common case, kept lean (it runs for every record of a flood).
                record = tuple(entry)
                item = (record, 0)
                keep_everything(item)
                if filtered:
                    if not keep(record):
                        continue
                    keep_shown(item)
                size = len(message) + len(entry[_PROCESS_NAME])
                if size > width:
                    width = size
                if wrap is not None:
                    wrap.append(first_line_cells(entry))
                added += 1
                continue
            count = display_line_count(entry)
            record = tuple(entry)
            items = [(record, part) for part in range(count)]
            everything.extend(items)
            if filtered:
                if not keep(record):
                    continue
                lines.extend(items)
            texts = format_log_lines(entry)
            width = max(width, max(len(text) for text in texts) - LOG_PREFIX_WIDTH)
            if wrap is not None:
                for text in texts[:count]:
                    wrap.append(cell_len(text))
                for _ in range(count - len(texts)):  # a malformed record: blank lines
                    wrap.append(0)
            added += count
        if not added:
            return
        if self.cursor is not None:  # lines that fell off the front move the cursor up
            self.cursor -= shown_before + added - len(lines)
            if self.cursor < 0:
                self.cursor = None
        self._appended += added
        self._width = width
        self._resize_virtual()
        self.refresh()
        if not following:
            self.unseen += added
            self._show_follow_state()
            # A full buffer drops its oldest lines: keep the reader's lines in place.
            dropped_rows = self._first_row - first_row_before
            if dropped_rows:
                self.scroll_to(
                    y=max(0, self.scroll_y - dropped_rows), animate=False, immediate=True
                )
        if following and not self._scroll_pending:
            # Scroll once the new size is laid out; an immediate scroll lands short of
            # the end, after which the pane would stop following.
            self._scroll_pending = True
            self.call_after_refresh(self._scroll_to_newest, 5, self._follow_generation)

    def action_follow(self) -> None:
        self.follow()

    def follow(self) -> None:
        """Jump to the newest line and keep following (End or f)."""
        self.following = True
        self.unseen = 0
        self._show_follow_state()
        self._scroll_pending = True
        self.call_after_refresh(self._scroll_to_newest, 5, self._follow_generation)

    # Keys that read further up scroll at once: an animated scroll starts at the
    # bottom, where the next batch of a flood would read it as "still following".
    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False, immediate=True, x_axis=self.scroll_y == 0)

    def action_page_up(self) -> None:
        height = self.scrollable_content_region.height
        self.scroll_to(y=max(0, self.scroll_y - height), animate=False, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self.is_vertical_scroll_end:  # the reader caught up (or never left)
            self.following = True
            if self.unseen:
                self.unseen = 0
                self._show_follow_state()
        elif new_value < old_value:  # up: the reader wants to stay here, not be pulled down
            self.following = False
            self._follow_generation += 1
            self._scroll_pending = False

    # -- wrapping ---------------------------------------------------------------------------

    @property
    def _first_row(self) -> int:
        """The absolute number of the first shown row: grows as old lines drop off."""
        if self.wrap is not None:
            return self.wrap.first
        return self._appended - len(self._lines)

    @property
    def row_count(self) -> int:
        """Rows the shown lines take: one a line, more for long lines when wrapping."""
        return len(self._lines) if self.wrap is None else self.wrap.height

    def _row_of(self, index: int) -> int:
        return index if self.wrap is None else self.wrap.row_of(index)

    def _line_at(self, row: int) -> tuple[int, int]:
        return (row, 0) if self.wrap is None else self.wrap.locate(row)

    def _resize_virtual(self) -> None:
        if self.wrap is None:
            width = self._width + LOG_PREFIX_WIDTH + 12 if self._lines else 0
            self.virtual_size = Size(width, len(self._lines))
        else:
            self.virtual_size = Size(self.wrap.width, self.wrap.height)

    def set_wrap(self, on: bool) -> None:
        """Wrap long lines to the pane's width (w), or let them scroll sideways."""
        following = self.following
        top_line = self._line_at(int(self.scroll_y))[0] if self._lines else 0
        if on:
            # The vertical scrollbar is always there while wrapping, so the width the
            # lines wrap to cannot change as the scrollbar comes and goes.
            self.styles.overflow_y = "scroll"
            self.styles.overflow_x = "hidden"
            self._layout_wrap()
        else:
            self.wrap = None
            self.styles.overflow_y = "auto"
            self.styles.overflow_x = "auto"
        self._resize_virtual()
        self._strips.clear()
        self.refresh()
        self._show_follow_state()
        if following:
            self.follow()
        elif self._lines:
            self.scroll_to(y=self._row_of(min(top_line, len(self._lines) - 1)), animate=False)

    def _wrap_width(self) -> int:
        scrollbar = self.styles.scrollbar_size_vertical
        return max(
            1,
            self.scrollable_content_region.width
            - (0 if self.show_vertical_scrollbar else scrollbar),
        )

    def _layout_wrap(self) -> None:
        """Count every shown line's rows for the current width (on wrap, resize, filter)."""
        layout = WrapLayout(self._wrap_width(), self.max_lines)
        texts: list[str] = []
        for record, part in self._lines:
            if part == 0 or part >= len(texts):  # a record's lines are formatted once
                texts = format_log_lines(LogEntry._make(record))
            layout.append(cell_len(texts[part]) if part < len(texts) else 0)
        self.wrap = layout

    def on_resize(self) -> None:
        if self.wrap is not None and self.wrap.width != self._wrap_width():
            self.set_wrap(True)

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
        if self.wrap is not None:
            self._layout_wrap()
        self._resize_virtual()
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
            top = self._line_at(int(self.scroll_y))[0]
            start = top - 1 if forward else top + 1
        step = 1 if forward else -1
        for offset in range(1, total + 1):
            index = (start + step * offset) % total
            record, part = self._lines[index]
            if term in _line_text(record, part).casefold():
                self.cursor = index
                row = self._row_of(index)
                self.scroll_to(y=max(0, row - self.size.height // 2), animate=False)
                self._strips.clear()
                self.refresh()
                return True
        return False

    def action_move_cursor(self, step: int) -> None:
        if not self._lines:
            return
        height = self.scrollable_content_region.height
        if self.cursor is None:  # start from the last line on screen
            last_row = min(int(self.scroll_y) + height, self.row_count) - 1
            start = self._line_at(max(0, last_row))[0] + (1 if step < 0 else 0)
        else:
            start = self.cursor
        index = max(0, min(len(self._lines) - 1, start + step))
        self._set_cursor(index)
        top = self._row_of(index)
        bottom = self._row_of(index + 1) - 1 if index + 1 < len(self._lines) else self.row_count - 1
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif bottom >= self.scroll_y + height:
            self.scroll_to(y=bottom - height + 1, animate=False)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)  # None on the border or a scrollbar
        if offset is None:
            return
        row = int(self.scroll_y) + offset.y
        if 0 <= row < self.row_count:
            self._set_cursor(self._line_at(row)[0])

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
        if self.wrap is not None:
            parts.append("wrapped")
        if self.search:
            parts.append(f"search {safe_text(self.search)!r}")
        if self.unseen:
            paused = f"paused, {self.unseen:,} new lines below (End or f)"
            if len(self._all) == self.max_lines:
                paused += ", the oldest dropping off"
            parts.append(paused)
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
        if self.wrap is not None:
            self._layout_wrap()
        self._resize_virtual()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        rich_style = self.rich_style
        if scroll_y + y >= self.row_count:
            return Strip.blank(width, rich_style)
        index, chunk = self._line_at(scroll_y + y)
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
        if self.wrap is not None:
            start, end = self.wrap.span(chunk)
            strip = strip.crop(start, end)
            if chunk:
                indent = self.wrap.indent
                marker = [Segment(" " * (indent - 2)), Segment("↳ ", _CONTINUATION_STYLE)]
                strip = Strip(
                    [*(marker if indent >= 2 else [Segment(" " * indent)]), *strip],
                    indent + strip.cell_length,
                )
            scroll_x = 0
        # The widget's style goes beneath the line's own (level colours stay on top).
        return strip.crop_extend(scroll_x, scroll_x + width, rich_style).apply_style(rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
