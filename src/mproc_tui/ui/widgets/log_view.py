"""The log view: the log pane, its search box, and the keys for what the pane shows.

It owns the search, the filters, wrapping, export and a record's detail; the pane
below it draws what it is told (``search``, ``log_filter`` and ``wrap`` come down by
data binding). Its keys work from anywhere on the main screen (``ui/keys.py``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Input

from mproc_tui.core.export import export_records
from mproc_tui.core.records import LogEntry, Record
from mproc_tui.core.text import plural
from mproc_tui.ui.feedback import inform, warn
from mproc_tui.ui.log_filter import LogFilter, SearchQuery, logger_name_of, search_and_exclusion
from mproc_tui.ui.widgets.log_pane import LogPane
from mproc_tui.ui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from mproc_tui.ui.screens.export_screen import ExportChoice

LEVELS = (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)


class LogView(Vertical):
    """What the log pane shows, chosen by keys; the records come in through ``add_entries``."""

    BINDING_GROUP_TITLE = "Logs"
    SCREEN_KEYS: ClassVar[list[Binding]] = [
        Binding("f", "follow", "Follow", show=False, tooltip="Follow new lines"),
        Binding("e", "export", "Export", show=False, tooltip="Export to a file"),
        Binding("slash", "open_search", "Search", show=False, tooltip="Search"),
        Binding("f3", "search_step(True)", "Next", show=False, tooltip="Next match"),
        Binding(
            # xterm-style terminals (tmux, GNOME Terminal) send Shift+F3 as F15
            "shift+f3,f15",
            "search_step(False)",
            "Prev",
            show=False,
            tooltip="Previous match",
        ),
        Binding("escape", "close_search", "Close search", show=False, tooltip="Close the search"),
        Binding(
            "l",
            "filter_worker",
            "Only",
            show=False,
            tooltip="Marked workers only (Space marks), else the selected worker",
        ),
        Binding(
            "L",
            "filter_logger",
            "Logger",
            show=False,
            tooltip="The chosen line's logger only (and its children)",
        ),
        Binding("g", "toggle_logger_names", "Loggers", show=False, tooltip="Logger names"),
        Binding("y", "copy(False)", "Copy", show=False, tooltip="Copy the chosen line"),
        Binding(
            "Y",
            "copy(True)",
            "Copy all",
            show=False,
            tooltip="Copy the chosen record, traceback and all",
        ),
        Binding("o", "page", "Pager", show=False, tooltip="The shown lines in $PAGER (less)"),
        Binding("w", "toggle_wrap", "Wrap", show=False, tooltip="Wrap long lines, or scroll"),
        *(
            Binding(
                str(number),
                f"min_level({level})",
                logging.getLevelName(level),
                show=False,
                tooltip=f"{logging.getLevelName(level)} and above",
            )
            for number, level in enumerate(LEVELS, 1)
        ),
    ]

    DEFAULT_CSS = """
    LogView {
        height: 3fr;
    }
    LogView > LogPane {
        height: 1fr;
        border: round $secondary;
        border-title-color: $text;
    }
    LogView > LogPane:focus {
        border: round $accent;
    }
    LogView > SearchBox {
        height: 3;
        display: none;
    }
    """

    search: var[SearchQuery] = var(SearchQuery())
    regex: var[bool] = var(False)  # the search box's text is a regular expression
    logger_names: var[bool] = var(True)
    # Set again to the same filter (a level key pressed twice) it still applies anew:
    # back to the newest line, following, no chosen line.
    log_filter: var[LogFilter] = var(LogFilter(), always_update=True)
    wrap: var[bool] = var(False)
    # The worker selected in the table (id and name), and those marked, for ``l``.
    selected_worker: var[tuple[int, str] | None] = var(None)
    marked_workers: var[dict[int, str]] = var(dict)

    def __init__(self, max_lines: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._focus_before_search: Widget | None = None
        self._marks_shown = False  # the worker filter (l) is the marked workers'
        # Made here and held, never queried: records arrive many times a second.
        self.pane = LogPane(max_lines, id="logs")
        # Mounted at the first /, not before the first frame: an Input's styles and
        # widgets took 30 ms of a first frame of 0.4 s (tests/bench/bench_startup.py).
        self.search_box = SearchBox(
            placeholder="search the logs (!text hides lines): Enter next, Shift+Enter previous",
            id="log-search",
        )

    def compose(self) -> ComposeResult:
        yield self.pane.data_bind(
            LogView.search, LogView.log_filter, LogView.wrap, LogView.logger_names
        )

    @property
    def searching(self) -> bool:
        """The search box is open."""
        return self.search_box.is_attached and self.search_box.display

    def add_entries(self, entries: Sequence[Record]) -> None:
        self.pane.add_entries(entries)

    # -- keys -----------------------------------------------------------------------------

    def action_follow(self) -> None:
        self.pane.follow()

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap

    def action_min_level(self, level: int) -> None:
        self.log_filter = replace(self.log_filter, min_level=level)

    def action_filter_worker(self) -> None:
        """l: the marked workers' lines only, or the selected worker's; again: everyone's."""
        if self.log_filter.workers is not None:
            self._marks_shown = False
            self.log_filter = replace(self.log_filter, workers=None, workers_label="")
        elif self.marked_workers:
            self._show_marked(self.marked_workers)
        elif self.selected_worker is None:
            warn(self, "No worker selected.")
        else:
            worker_id, name = self.selected_worker
            self._marks_shown = False
            self.log_filter = replace(
                self.log_filter, workers=frozenset((worker_id,)), workers_label=name
            )

    def _show_marked(self, marked: dict[int, str]) -> None:
        label = next(iter(marked.values())) if len(marked) == 1 else f"{len(marked)} marked"
        self._marks_shown = True
        self.log_filter = replace(self.log_filter, workers=frozenset(marked), workers_label=label)

    def watch_marked_workers(self, marked: dict[int, str]) -> None:
        """Showing the marked workers' lines (l), marking another adds its lines; unmarking
        them all shows everyone's again."""
        if not self._marks_shown or self.log_filter.workers is None:
            return
        if marked:
            self._show_marked(marked)
        else:
            self._marks_shown = False
            self.log_filter = replace(self.log_filter, workers=None, workers_label="")

    def action_filter_logger(self) -> None:
        """L: the chosen line's logger only (the newest line's without a choice); again: all."""
        if self.log_filter.logger is not None:
            self.log_filter = replace(self.log_filter, logger=None)
            return
        buffer = self.pane.buffer
        if not len(buffer):
            warn(self, "No line to take a logger from.")
            return
        index = buffer.cursor if buffer.cursor is not None else len(buffer) - 1
        self.log_filter = replace(self.log_filter, logger=logger_name_of(buffer.line(index)[0]))

    def action_toggle_logger_names(self) -> None:
        self.logger_names = not self.logger_names
        inform(self, "Logger names shown." if self.logger_names else "Logger names hidden.")

    def action_copy(self, whole: bool) -> None:
        """y: the chosen line (the newest record's without a choice), or the text the mouse
        selected; Y: the whole record, traceback and all. To the terminal's clipboard."""
        selected = self.screen.get_selected_text()
        buffer = self.pane.buffer
        if selected and not whole:
            text = selected
        elif not len(buffer):
            warn(self, "Nothing to copy: the log pane shows no lines.")
            return
        elif buffer.cursor is None:
            lines = buffer.record_lines(len(buffer) - 1)
            text = "\n".join(lines) if whole else lines[0]
        else:
            text = (
                "\n".join(buffer.record_lines(buffer.cursor))
                if whole
                else buffer.text(buffer.cursor)
            )
        self.app.copy_to_clipboard(text)
        count = text.count("\n") + 1
        inform(self, f"Copied {plural(count, 'line')} ({plural(len(text), 'character')}).")

    def action_page(self) -> None:
        """o: the shown lines in the user's pager; the app steps aside until it ends."""
        from mproc_tui.ui.pager import show_in_pager  # (not at start)

        lines = self.pane.buffer.texts()
        if not lines:
            warn(self, "Nothing to page: the log pane shows no lines.")
            return
        show_in_pager(self.app, lines)

    async def action_open_search(self) -> None:
        if not self.searching:
            self._focus_before_search = self.screen.focused
        if not self.search_box.is_attached:
            await self.mount(self.search_box)
        self.search_box.display = True
        self.search_box.focus()

    def action_search_step(self, forward: bool) -> None:
        if self.search and not self.pane.find(forward):
            warn(self, f"No line matches {self.search.describe()}.")

    def action_close_search(self) -> None:
        if self.searching:
            self._close_search()

    @on(Input.Changed, "#log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._apply_search(event.value)

    @on(SearchBox.RegexToggled)
    def _regex_toggled(self) -> None:
        self.regex = not self.regex
        self._apply_search(self.search_box.value)

    def _apply_search(self, typed: str) -> None:
        """``!text`` hides lines containing text; else a search, highlighted (a bad
        pattern says why in the box and changes nothing)."""
        query, exclude = search_and_exclusion(typed, self.regex)
        self.search_box.show_state(query.error or exclude.error, self.regex)
        if query.error or exclude.error:
            return
        self.search = query
        if exclude != self.log_filter.exclude:
            self.log_filter = replace(self.log_filter, exclude=exclude)

    @on(SearchBox.Step)
    def _search_stepped(self, message: SearchBox.Step) -> None:
        self.action_search_step(message.forward)

    @on(SearchBox.Closed)
    def _close_search(self) -> None:
        """Esc: the search ends. A match it chose stays chosen, with the focus on the pane
        (Enter shows that record); else the focus goes back where it was before ``/``."""
        chosen = self.pane.cursor is not None
        if not self.search_box.value.startswith("!"):  # an exclusion stays until undone
            self.search_box.value = ""
            self._apply_search("")
        self.search_box.display = False
        before, self._focus_before_search = self._focus_before_search, None
        if chosen:
            self.pane.focus()
        elif before is not None and before.is_attached and before is not self.search_box:
            before.focus()
        else:
            self.screen.focus_next()

    @on(LogPane.DetailRequested)
    def _show_detail(self, message: LogPane.DetailRequested) -> None:
        from mproc_tui.ui.screens.detail_screen import DetailScreen  # (a dialog: not at start)

        self.app.push_screen(DetailScreen(message.entry))

    def action_export(self) -> None:
        entries = self.pane.shown_entries()
        if not entries:
            warn(self, "Nothing to export: the log pane shows no records.")
            return
        stem = time.strftime("mproc-tui-logs-%Y%m%d-%H%M%S")

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.export(entries, choice)

        from mproc_tui.ui.screens.export_screen import ExportScreen  # (a dialog: not at start)

        self.app.push_screen(ExportScreen(stem, len(entries)), chosen)

    @work(thread=True, group="export")
    def export(self, entries: list[LogEntry], choice: ExportChoice) -> None:
        try:
            written = export_records(entries, choice.path, choice.form)
        except OSError as error:
            warn(self, f"Export failed: {error}")
            return
        inform(self, f"Exported {plural(written, 'record')} to {os.path.abspath(choice.path)}")
