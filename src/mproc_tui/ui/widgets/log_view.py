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
from mproc_tui.ui.log_buffer import LogFilter
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
        Binding("l", "filter_worker", "Only", show=False, tooltip="Selected worker only"),
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

    search: var[str] = var("")
    # Set again to the same filter (a level key pressed twice) it still applies anew:
    # back to the newest line, following, no chosen line.
    log_filter: var[LogFilter] = var(LogFilter(), always_update=True)
    wrap: var[bool] = var(False)
    # The worker selected in the table (id and name), for ``l``: from the screen.
    selected_worker: var[tuple[int, str] | None] = var(None)

    def __init__(self, max_lines: int, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._focus_before_search: Widget | None = None
        # Made here and held, never queried: records arrive many times a second.
        self.pane = LogPane(max_lines, id="logs")
        # Mounted at the first /, not before the first frame: an Input's styles and
        # widgets took 30 ms of a first frame of 0.4 s (tests/bench/bench_startup.py).
        self.search_box = SearchBox(
            placeholder="search the logs: Enter next, Shift+Enter previous, Esc close",
            id="log-search",
        )

    def compose(self) -> ComposeResult:
        yield self.pane.data_bind(LogView.search, LogView.log_filter, LogView.wrap)

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
        """l: the selected worker's lines only; again: everyone's."""
        if self.log_filter.worker_id is not None:
            self.log_filter = replace(self.log_filter, worker_id=None, worker_name="")
        elif self.selected_worker is None:
            warn(self, "No worker selected.")
        else:
            worker_id, name = self.selected_worker
            self.log_filter = replace(self.log_filter, worker_id=worker_id, worker_name=name)

    async def action_open_search(self) -> None:
        if not self.searching:
            self._focus_before_search = self.screen.focused
        if not self.search_box.is_attached:
            await self.mount(self.search_box)
        self.search_box.display = True
        self.search_box.focus()

    def action_search_step(self, forward: bool) -> None:
        if self.search and not self.pane.find(forward):
            warn(self, f"No line contains {self.search!r}.")

    def action_close_search(self) -> None:
        if self.searching:
            self._close_search()

    @on(Input.Changed, "#log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search = event.value

    @on(SearchBox.Step)
    def _search_stepped(self, message: SearchBox.Step) -> None:
        self.action_search_step(message.forward)

    @on(SearchBox.Closed)
    def _close_search(self) -> None:
        """Esc: the search ends. A match it chose stays chosen, with the focus on the pane
        (Enter shows that record); else the focus goes back where it was before ``/``."""
        chosen = self.pane.cursor is not None
        self.search_box.value = ""
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
