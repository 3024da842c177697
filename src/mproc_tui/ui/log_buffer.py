"""What the log pane holds and shows: plain data and pure functions, no Textual.

The pane draws from a ``LogBuffer`` and keeps only what is about the screen (scrolling,
following, drawing); so the rules for lines (bounds, filters, line numbers, the cursor,
search and wrapping) are tested without a terminal.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from typing import NamedTuple

from rich.cells import cell_len

from mproc_tui.core.records import LogEntry, Record
from mproc_tui.core.text import (
    CAPTURED_STREAMS,
    LOG_PREFIX_WIDTH,
    display_line_count,
    format_log_lines,
)
from mproc_tui.ui.line_store import Line, LineStore
from mproc_tui.ui.log_filter import ROOT_LOGGER, LogFilter, SearchQuery

# Records are kept as plain tuples (see LogBuffer): their fields by position.
_LEVEL = LogEntry._fields.index("level")
_message_of = operator.itemgetter(LogEntry._fields.index("message"))
_traceback_of = operator.itemgetter(LogEntry._fields.index("traceback"))
_process_name_of = operator.itemgetter(LogEntry._fields.index("process_name"))
_logger_name_of = operator.itemgetter(LogEntry._fields.index("logger_name"))
_LEVEL_NAME = LogEntry._fields.index("level_name")


def line_text(record: Record, part: int, logger: bool = False) -> str:
    """Display line ``part`` of a record, formatted (only for lines that are drawn)."""
    lines = format_log_lines(LogEntry._make(record), logger)
    return lines[part] if part < len(lines) else ""  # a malformed record has one line


def first_line_cells(record: Record, logger: bool = False) -> int:
    """Cells of a one-line record's line; the common case without formatting it.

    Printable ASCII is one cell a character and passes ``safe_text`` unchanged, so
    the width is a sum of lengths: wrapping stays cheap under a flood (formatting
    every record would cost 4-5 us each, a fifth of a second per 50,000).
    """
    message, name = _message_of(record), _process_name_of(record)
    logger_name = _logger_name_of(record)
    try:
        if (
            message.isascii()
            and message.isprintable()
            and name.isascii()
            and name.isprintable()
            and record[_LEVEL_NAME].isascii()
            and logger_name not in CAPTURED_STREAMS
        ):
            if not logger or logger_name == ROOT_LOGGER or not logger_name:
                return LOG_PREFIX_WIDTH + len(name) + 2 + len(message)
            if logger_name.isascii() and logger_name.isprintable():
                return LOG_PREFIX_WIDTH + len(name) + len(logger_name) + 5 + len(message)
    except AttributeError:  # not text: format_log_lines makes it readable
        pass
    return cell_len(format_log_lines(LogEntry._make(record), logger)[0])


class WrapLayout:
    """Where each shown line starts when long lines wrap, as absolute row numbers.

    Kept beside the buffer's lines (same length, same maxlen), so dropping the oldest
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


class Growth(NamedTuple):
    """What ``LogBuffer.add`` did to the shown lines."""

    lines: int  # shown lines added
    dropped_rows: int  # rows that fell off the front to make room


class LogBuffer:
    """The newest ``max_lines`` display lines of every record, and the filtered view of them.

    Guarantees: a shown line keeps its number (``number``) for as long as it is shown,
    so what was drawn of it and the chosen line (``cursor``) stay with it while older
    lines drop off the front; a record's lines are formatted only when asked for.
    A batch of one-line records is kept as it came (``LineStore``); the rest are kept
    as plain tuples, as is the filtered view.
    """

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self._all = LineStore(max_lines)
        # What is shown: all lines, or those the filter keeps.
        self._lines: LineStore | deque[Line] = self._all
        self._appended = 0  # lines ever shown since the view was made
        self.filter = LogFilter()
        self.cursor: int | None = None  # the chosen line: by search, click or arrows
        self.width = 0  # the widest shown line's message and name, in cells (roughly)
        self.wrap: WrapLayout | None = None  # None: long lines run off to the right
        self.logger_names = True  # a logger other than the root one named on its lines

    def __len__(self) -> int:
        return len(self._lines)

    @property
    def full(self) -> bool:
        """The oldest lines drop off as new ones arrive."""
        return len(self._all) == self.max_lines

    def line(self, index: int) -> Line:
        return self._lines[index]

    def text(self, index: int) -> str:
        record, part = self._lines[index]
        return line_text(record, part, self.logger_names)

    def texts(self) -> list[str]:
        """Every shown line as text (formats them all: for tests and export, not drawing)."""
        logger = self.logger_names
        return [line_text(record, part, logger) for record, part in self._lines]

    def record_lines(self, index: int) -> list[str]:
        """Every display line of the record that shown line ``index`` belongs to."""
        record = self._lines[index][0]
        return format_log_lines(LogEntry._make(record), self.logger_names)

    def entry(self, index: int) -> LogEntry:
        return LogEntry._make(self._lines[index][0])

    def shown_entries(self) -> list[LogEntry]:
        """The records shown now (after the filter), oldest first."""
        return [LogEntry._make(record) for record, part in self._lines if part == 0]

    def number(self, index: int) -> int:
        """Shown line ``index``'s number, which stays the same while the line is shown."""
        return self._appended - len(self._lines) + index

    # -- changing -----------------------------------------------------------------------------

    def add(self, entries: Iterable[Record]) -> Growth:
        """Append records; the oldest lines drop off, and the cursor moves up with its line.

        Records come as plain tuples (``Record``, as the mailbox gives them): the buffer
        keeps them as they are, and a named tuple would stay tracked by the collector.
        """
        batch = entries if isinstance(entries, list) else list(entries)
        shown_before = len(self._lines)
        first_row_before = self.first_row
        added = self._add_one_liners(batch)
        if added is None:
            added = self._add_each(batch)
        if not added:
            return Growth(0, 0)
        if self.cursor is not None:  # lines that fell off the front move the cursor up
            self.cursor -= shown_before + added - len(self._lines)
            if self.cursor < 0:
                self.cursor = None
        self._appended += added
        return Growth(added, self.first_row - first_row_before)

    def _add_one_liners(self, records: list[Record]) -> int | None:
        """A flood's common case, in C loops: no filter, no wrapping, one line a record.
        The lines added, or None if the batch is not that case."""
        if self._lines is not self._all or self.wrap is not None or not records:
            return None
        messages = list(map(_message_of, records))
        try:
            one_line_each = "\n" not in "".join(messages)
        except TypeError:  # (records are text from our handlers; else the long way, as ever)
            return None
        if not one_line_each or any(map(_traceback_of, records)):
            return None
        # (the logger's name counted whether shown or not: a width need not be exact)
        names = list(map(len, map(_process_name_of, records)))
        names = list(map(operator.add, names, map(len, map(_logger_name_of, records))))
        if max(map(len, messages)) + max(names) > self.width:  # else no line is wider
            widest = max(map(operator.add, map(len, messages), names))
            self.width = max(self.width, widest)
        self._all.add_records(records)
        return len(records)

    def _add_each(self, records: list[Record]) -> int:
        """Any batch, record by record: filtered, wrapped, tracebacks, multi-line messages."""
        keep, wrap = self.filter.keeps, self.wrap
        shown = self._lines if isinstance(self._lines, deque) else None  # the filter's view
        new_lines: list[Line] = []
        width = self.width
        added = 0
        keep_everything = new_lines.append
        for record in records:
            message = _message_of(record)
            if not _traceback_of(record) and "\n" not in message:
                item = (record, 0)
                keep_everything(item)
                if shown is not None:
                    if not keep(record):
                        continue
                    shown.append(item)
                size = len(message) + len(_process_name_of(record)) + len(_logger_name_of(record))
                if size > width:
                    width = size
                if wrap is not None:
                    wrap.append(first_line_cells(record, self.logger_names))
                added += 1
                continue
            entry = LogEntry._make(record)
            count = display_line_count(entry)
            items = [(record, part) for part in range(count)]
            new_lines.extend(items)
            if shown is not None:
                if not keep(record):
                    continue
                shown.extend(items)
            texts = format_log_lines(entry, self.logger_names)
            width = max(width, max(len(text) for text in texts) - LOG_PREFIX_WIDTH)
            if wrap is not None:
                for text in texts[:count]:
                    wrap.append(cell_len(text))
                for _ in range(count - len(texts)):  # a malformed record: blank lines
                    wrap.append(0)
            added += count
        self._all.add_lines(new_lines)
        self.width = width
        return added

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
        if self.wrap is not None:
            self.set_wrap(self.wrap.width)

    def set_wrap(self, width: int | None) -> None:
        """Wrap every shown line to ``width`` cells, or (None) let long lines run on."""
        if width is None:
            self.wrap = None
            return
        layout = WrapLayout(width, self.max_lines)
        texts: list[str] = []
        for record, part in self._lines:
            if part == 0 or part >= len(texts):  # a record's lines are formatted once
                texts = format_log_lines(LogEntry._make(record), self.logger_names)
            layout.append(cell_len(texts[part]) if part < len(texts) else 0)
        self.wrap = layout

    def set_logger_names(self, shown: bool) -> None:
        """Name a line's logger (other than the root one) after its worker's name, or not."""
        self.logger_names = shown
        if self.wrap is not None:  # lines got longer or shorter
            self.set_wrap(self.wrap.width)

    def find(self, query: SearchQuery, start: int, forward: bool = True) -> int | None:
        """The next (or previous) line after ``start`` that the query matches; the search
        wraps around. Moves the cursor there."""
        total = len(self._lines)
        if not query or not total:
            return None
        step = 1 if forward else -1
        for offset in range(1, total + 1):
            index = (start + step * offset) % total
            if query.matches(self.text(index)):
                self.cursor = index
                return index
        return None

    def matching(self, query: SearchQuery) -> list[int]:
        """Every shown line the query matches, oldest first (formats them all)."""
        if not query:
            return []
        return [index for index, text in enumerate(self.texts()) if query.matches(text)]

    # -- rows: lines as the screen shows them, one or more rows each when wrapping ----------

    @property
    def first_row(self) -> int:
        """The absolute number of the first shown row: grows as old lines drop off."""
        if self.wrap is not None:
            return self.wrap.first
        return self._appended - len(self._lines)

    @property
    def row_count(self) -> int:
        return len(self._lines) if self.wrap is None else self.wrap.height

    def row_of(self, index: int) -> int:
        """The first row of shown line ``index``."""
        return index if self.wrap is None else self.wrap.row_of(index)

    def line_at(self, row: int) -> tuple[int, int]:
        """The shown line at ``row``, and which of its rows that is."""
        return (row, 0) if self.wrap is None else self.wrap.locate(row)
