"""The live log pane: a line-API view over a ``LogBuffer`` (``ui/log_buffer.py``).

Records are stored as they arrive (a tuple append each) and formatted only when a
line is drawn, so the cost of a flood is the cost of the visible lines, not of
every record: with workers logging tens of thousands of records a second, the
event loop stays free for keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mproc_tui.core.records import LogEntry, Record
from mproc_tui.core.text import LOG_PREFIX_WIDTH, plural
from mproc_tui.ui.log_buffer import LogBuffer
from mproc_tui.ui.log_filter import LogFilter, SearchQuery
from mproc_tui.ui.widgets.growth import grow
from mproc_tui.ui.widgets.log_row import RowPainter
from mproc_tui.ui.widgets.log_selection import SelectableRows

# Drawn lines kept for a redraw that shows them again (a scroll, the cursor moving):
# 2.5 screens of 100 rows. Each kept line holds about 20 objects for Python's garbage
# collector, with the strips Textual derives from it: at 1,024 lines, filling the cache
# under a flood set off a young collection of 25-40 ms of CPU (bench_logs).
DRAWN_LINES_KEPT = 256


class LogPane(SelectableRows, ScrollView, can_focus=True):
    """Follows new lines while at the bottom; keeps the newest ``max_lines`` lines.

    Scrolling up pauses following (the title counts what arrives meanwhile);
    reaching the bottom again, End or f resumes it. What to show (``search``,
    ``log_filter``, ``wrap``) comes down from the ``LogView`` by data binding.
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

    DEFAULT_CSS = """
    LogPane {
        background: $surface;
        color: $text;
        overflow: auto auto;
    }
    """

    # Following is the reader's choice, not a position: a pane that gets shorter (a
    # resize, the search box opening) is no longer at the end but still follows.
    following: var[bool] = var(True)
    unseen: var[int] = var(0)  # lines that arrived while the reader was further up
    search: var[SearchQuery] = var(SearchQuery())  # highlighted wherever it matches
    log_filter: var[LogFilter] = var(LogFilter(), always_update=True)
    wrap: var[bool] = var(False)  # long lines wrap to the width, or scroll sideways
    logger_names: var[bool] = var(True)  # a logger other than root named after its worker
    # The search's matches: which one the chosen line is (0: none) and how many there are.
    matches: var[tuple[int, int]] = var((0, 0))
    title: var[str] = var("")  # computed from the above: the border's title

    @dataclass
    class DetailRequested(Message):
        """Enter on a line: show everything about its record."""

        entry: LogEntry

    def __init__(self, max_lines: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.buffer = LogBuffer(max_lines)
        self._strips: LRUCache[tuple[int, int, int, int], Strip] = LRUCache(DRAWN_LINES_KEPT)
        self._painter: RowPainter | None = None  # made with the pane's style, at the first row
        self._scroll_pending = False
        self._follow_generation = 0  # bumped when the reader scrolls up: cancels a pending follow
        self._recount_pending = False

    # -- what the pane shows ------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self.buffer)

    @property
    def lines(self) -> list[str]:
        """Every shown line as text (formats them all: for tests and export, not drawing)."""
        return self.buffer.texts()

    @property
    def cursor(self) -> int | None:
        return self.buffer.cursor

    def shown_entries(self) -> list[LogEntry]:
        return self.buffer.shown_entries()

    def compute_title(self) -> str:
        parts = ["Logs", *self.log_filter.describe()]
        if self.wrap:
            parts.append("wrapped")
        if self.search:
            at, total = self.matches
            found = f"{at}/{total}" if at else plural(total, "match")
            parts.append(f"{self.search.describe()} ({found})")
        if self.unseen:
            paused = f"paused, {self.unseen:,} new lines below (End or f)"
            if self.buffer.full:
                paused += ", the oldest dropping off"
            parts.append(paused)
        return " — ".join(parts)

    def watch_title(self, title: str) -> None:
        self.border_title = title

    def _redraw(self) -> None:
        """Every line's look changed (search, cursor, filter, wrap, theme): draw anew."""
        self._strips.clear()
        self.refresh()

    redraw_rows = _redraw  # (a mouse selection changed)

    # -- lines in -----------------------------------------------------------------------------

    def add_entries(self, entries: Iterable[Record]) -> None:
        growth = self.buffer.add(entries)
        if not growth.lines:
            return
        laid_out = self._resize_virtual()
        self.refresh()
        self._recount_later()
        if not self.following:
            self.unseen += growth.lines
            if growth.dropped_rows:  # a full buffer dropped lines: keep the reader's in place
                self.scroll_to(
                    y=max(0, self.scroll_y - growth.dropped_rows), animate=False, immediate=True
                )
        elif laid_out or self._scroll_pending:
            if not self._scroll_pending:
                self._scroll_to_newest_soon()
        else:  # the new end is known now: one redraw for the lines and the scroll
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    # -- following ----------------------------------------------------------------------------

    def action_follow(self) -> None:
        self.follow()

    def follow(self) -> None:
        """Jump to the newest line and keep following (End or f)."""
        self.following = True
        self.unseen = 0
        self._scroll_to_newest_soon()

    def watch_following(self, following: bool) -> None:
        if not following:  # a scroll to the end still pending would pull the reader down
            self._follow_generation += 1
            self._scroll_pending = False

    def _scroll_to_newest_soon(self) -> None:
        # Once the new size is laid out: an immediate scroll lands short of the end,
        # after which the pane would stop following.
        self._scroll_pending = True
        self.call_after_refresh(self._scroll_to_newest, 5, self._follow_generation)

    def _scroll_to_newest(self, tries: int, generation: int) -> None:
        if generation != self._follow_generation:  # the reader scrolled up meanwhile
            return
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        if not self.is_vertical_scroll_end and tries > 1:
            # Lines arrived after the last layout: the scroll stopped at the old end.
            self.call_after_refresh(self._scroll_to_newest, tries - 1, generation)
            return
        self._scroll_pending = False

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
            self.unseen = 0
        elif new_value < old_value:  # up: the reader wants to stay here, not be pulled down
            self.following = False

    # -- what to show, from the LogView -------------------------------------------------------

    def watch_log_filter(self, log_filter: LogFilter) -> None:
        self.buffer.set_filter(log_filter)
        self._resize_virtual()
        self._redraw()
        self.follow()
        self.count_matches()

    def watch_search(self, search: SearchQuery) -> None:
        if search:  # a new search starts from the newest line; closing one keeps its match
            self.buffer.cursor = None
        self.count_matches()
        self._redraw()

    def watch_logger_names(self, shown: bool) -> None:
        self.buffer.set_logger_names(shown)
        self._resize_virtual()
        self._redraw()

    def count_matches(self) -> None:
        """Which match the chosen line is, of how many (formats every shown line: on a
        change of search, a step, and at most once a second while lines arrive)."""
        if not self.search:
            self.matches = (0, 0)
            return
        found = self.buffer.matching(self.search)
        cursor = self.buffer.cursor
        at = found.index(cursor) + 1 if cursor is not None and cursor in found else 0
        self.matches = (at, len(found))

    def _recount_later(self) -> None:
        if self.search and not self._recount_pending:
            self._recount_pending = True
            self.set_timer(1.0, self._recount)

    def _recount(self) -> None:
        self._recount_pending = False
        self.count_matches()

    def watch_wrap(self, wrap: bool) -> None:
        following = self.following
        buffer = self.buffer
        top_line = buffer.line_at(int(self.scroll_y))[0] if len(buffer) else 0
        # While wrapping the vertical scrollbar is always there, so the width the
        # lines wrap to cannot change as the scrollbar comes and goes.
        self.styles.overflow_y = "scroll" if wrap else "auto"
        self.styles.overflow_x = "hidden" if wrap else "auto"
        buffer.set_wrap(self._wrap_width() if wrap else None)
        self._resize_virtual()
        self._redraw()
        if following:
            self.follow()
        elif len(buffer):
            self.scroll_to(y=buffer.row_of(min(top_line, len(buffer) - 1)), animate=False)

    def _wrap_width(self) -> int:
        scrollbar = self.styles.scrollbar_size_vertical
        return max(
            1,
            self.scrollable_content_region.width
            - (0 if self.show_vertical_scrollbar else scrollbar),
        )

    def on_resize(self) -> None:
        self._strips.maxsize = max(DRAWN_LINES_KEPT, 3 * self.size.height)  # (a tall terminal)
        wrap = self.buffer.wrap
        if wrap is not None and wrap.width != self._wrap_width():
            self.watch_wrap(True)

    def _resize_virtual(self) -> bool:
        """The size of what the pane shows; True if the screen is to be laid out first."""
        buffer = self.buffer
        if buffer.wrap is None:
            width = buffer.width + LOG_PREFIX_WIDTH + 12 if len(buffer) else 0
            return grow(self, Size(width, len(buffer)))
        return grow(self, Size(buffer.wrap.width, buffer.wrap.height))

    # -- the chosen line ----------------------------------------------------------------------

    def find(self, forward: bool = True) -> bool:
        """Move to the next (or previous) line containing the search text; wraps around."""
        buffer = self.buffer
        start = buffer.cursor
        if start is None and len(buffer):
            top = buffer.line_at(int(self.scroll_y))[0]
            start = top - 1 if forward else top + 1
        index = buffer.find(self.search, start or 0, forward)
        if index is None:
            return False
        row = buffer.row_of(index)
        self.scroll_to(y=max(0, row - self.size.height // 2), animate=False)
        self._redraw()
        self.count_matches()
        return True

    def action_move_cursor(self, step: int) -> None:
        buffer = self.buffer
        if not len(buffer):
            return
        height = self.scrollable_content_region.height
        if buffer.cursor is None:  # start from the last line on screen
            last_row = min(int(self.scroll_y) + height, buffer.row_count) - 1
            start = buffer.line_at(max(0, last_row))[0] + (1 if step < 0 else 0)
        else:
            start = buffer.cursor
        index = max(0, min(len(buffer) - 1, start + step))
        self._set_cursor(index)
        top = buffer.row_of(index)
        bottom = buffer.row_of(index + 1) - 1 if index + 1 < len(buffer) else buffer.row_count - 1
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif bottom >= self.scroll_y + height:
            self.scroll_to(y=bottom - height + 1, animate=False)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)  # None on the border or a scrollbar
        if offset is None:
            return
        row = int(self.scroll_y) + offset.y
        if 0 <= row < self.buffer.row_count:
            self._set_cursor(self.buffer.line_at(row)[0])

    def action_open_detail(self) -> None:
        buffer = self.buffer
        index = buffer.cursor if buffer.cursor is not None else len(buffer) - 1
        if 0 <= index < len(buffer):
            self.post_message(self.DetailRequested(buffer.entry(index)))

    def _set_cursor(self, index: int) -> None:
        self.buffer.cursor = index
        self._redraw()

    # -- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        buffer = self.buffer
        if scroll_y + y >= buffer.row_count:
            return Strip.blank(width, self.painter.base)
        index, chunk = buffer.line_at(scroll_y + y)
        if buffer.wrap is not None:
            scroll_x = 0
        # Rows are numbered from the first line ever shown, so a mouse selection stays
        # on its text while older lines drop off the front.
        row = buffer.first_row + scroll_y + y
        selection = self.text_selection
        selected = None if selection is None else selection.get_span(row)
        if selected is not None:
            return self._draw_row(index, chunk, scroll_x, width, selected).apply_offsets(
                scroll_x, row
            )
        key = (buffer.number(index), chunk, scroll_x, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._draw_row(index, chunk, scroll_x, width).apply_offsets(scroll_x, row)
            self._strips[key] = strip
        return strip

    @property
    def painter(self) -> RowPainter:
        """Draws rows on the pane's own style (``rich_style`` walks the DOM: once, not per row)."""
        if self._painter is None:
            self._painter = RowPainter(
                self.rich_style,
                self.app.console,
                self.screen.get_component_rich_style("screen--selection"),
            )
        return self._painter

    def _draw_row(
        self,
        index: int,
        chunk: int,
        scroll_x: int,
        width: int,
        selected: tuple[int, int] | None = None,
    ) -> Strip:
        buffer = self.buffer
        part = buffer.line(index)[1]
        line, first_line = buffer.text(index), part == 0
        chosen = index == buffer.cursor
        highlight = self.search.pattern
        if buffer.wrap is None:
            return self.painter.row(line, first_line, scroll_x, width, highlight, chosen, selected)
        if selected is not None and chunk:  # a row's characters -> its line's
            start, _ = buffer.wrap.span(chunk)
            shift = start - buffer.wrap.indent
            end = selected[1]
            selected = (max(0, selected[0] + shift), -1 if end == -1 else max(0, end + shift))
        return self.painter.rich_row(
            line, first_line, scroll_x, width, buffer.wrap, chunk, highlight, chosen, selected
        )

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._painter = None
