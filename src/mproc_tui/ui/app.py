"""The app wires the core to the widgets: it owns no process logic of its own."""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import os
import signal
import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import Header, Input, Static

from mproc_tui.core.exit_policy import ExitPolicy, ExitStage
from mproc_tui.core.exit_watchdog import exit_after
from mproc_tui.core.export import export_records
from mproc_tui.core.log_file import JsonLinesLog, fan_out
from mproc_tui.core.mailbox import BatchMailbox
from mproc_tui.core.progress import (
    join_progress,
    join_summary,
    stop_progress,
    stop_summary,
    wait_progress,
)
from mproc_tui.core.records import LogEntry
from mproc_tui.core.rows import CpuHistory, WorkerRow, newly_failed, summarize, take_snapshot
from mproc_tui.core.sampler import Sampler
from mproc_tui.core.settings import load_settings, save_settings
from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.target_check import check_target
from mproc_tui.core.text import plural, safe_text, signal_name
from mproc_tui.core.worker_plan import WorkerPlan, lesson_plans
from mproc_tui.core.worker_state import Lifecycle, StopReport, SupervisorError, WorkerSpec
from mproc_tui.ui.messages import (
    LogsWaiting,
    ProgressChanged,
    RefreshRequested,
    WorkersSampled,
)
from mproc_tui.ui.operation_progress import OperationProgress
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.screens.children_screen import ChildrenChoice, ChildrenScreen
from mproc_tui.ui.screens.detail_screen import DetailScreen
from mproc_tui.ui.screens.export_screen import ExportChoice, ExportScreen
from mproc_tui.ui.screens.help_screen import (
    HelpScreen,
    describe_key,
    help_sections,
    palette_title,
)
from mproc_tui.ui.screens.quit_screen import QuitChoice, QuitScreen
from mproc_tui.ui.screens.signal_screen import SignalChoice, SignalScreen
from mproc_tui.ui.screens.spawn_screen import SpawnScreen
from mproc_tui.ui.widgets.key_footer import KeyFooter
from mproc_tui.ui.widgets.log_pane import LogPane
from mproc_tui.ui.widgets.search_box import SearchBox
from mproc_tui.ui.widgets.worker_table import WorkerTable

LEVELS = (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)
EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _tune_garbage_collector() -> None:
    """Let log records die young instead of being promoted into full collections.

    Under a flood, tens of thousands of records a second pass through the listener
    and the mailbox; with CPython's default thresholds (700, 10, 10) they are
    promoted to the oldest generation while in transit, and full collections (7 in
    6 s, 160-225 ms each) were the event loop's worst stalls. With (50000, 20, 20):
    3 young collections in 6 s, worst lag 290 -> 73 ms, ingest 39k -> 52k records/s
    (tests/bench/bench_logs.py, 4 flooding workers, 2 cores).
    """
    gc.set_threshold(50_000, 20, 20)


class MprocApp(App[None]):
    """Live table of worker processes beside their live logs."""

    # Absolute, so subclasses defined elsewhere still find the stylesheet.
    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "mproc-tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        # First, so the footer never drops them however narrow the terminal.
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Show every key"),
        Binding("q", "request_quit", "Quit", tooltip="Quit (asks about running workers)"),
        Binding("n", "spawn", "Spawn", tooltip="Spawn a worker (the built-in sleeper)"),
        Binding("d", "spawn_daemon", "Daemon", show=False, tooltip="Spawn a daemon worker"),
        Binding("N", "spawn_dialog", "Form", tooltip="Spawn workers of your choice (a form)"),
        Binding("k", "terminate", "Term", tooltip="Terminate the selected worker (SIGTERM)"),
        Binding("K", "kill", "Kill", tooltip="Kill the selected worker (SIGKILL)"),
        Binding(
            "T",
            "stop_all",
            "Stop all",
            show=False,
            tooltip="Stop all — SIGTERM every worker, SIGKILL after --grace",
        ),
        Binding("j", "join", "Join", tooltip="Join the selected worker (waits off the UI)"),
        Binding("J", "join_all", "Join all", show=False, tooltip="Join every worker"),
        Binding("s", "signal", "Signal", tooltip="Send any signal to the selected worker"),
        Binding(
            "r", "restart", "Restart", tooltip="Restart the selected worker: stop it, start anew"
        ),
        Binding("c", "clear_finished", "Clear", tooltip="Clear finished workers from the table"),
        Binding("t", "toggle_tree", "Tree", tooltip="Table: show each worker's child processes"),
        Binding(
            "less_than_sign",
            "move_sort(-1)",
            "Sort ←",
            show=False,
            key_display="<",
            tooltip="Table: sort by the column to the left",
        ),
        Binding(
            "greater_than_sign",
            "move_sort(1)",
            "Sort →",
            show=False,
            key_display=">",
            tooltip="Table: sort by the column to the right",
        ),
        Binding("i", "invert_sort", "Invert", show=False, tooltip="Table: invert the sort order"),
        Binding(
            "plus,equals_sign",
            "resize_split(1)",
            "Taller",
            show=False,
            key_display="+",
            tooltip="Table: taller (the log pane shorter); remembered",
        ),
        Binding(
            "minus",
            "resize_split(-1)",
            "Shorter",
            show=False,
            key_display="-",
            tooltip="Table: shorter (the log pane taller); remembered",
        ),
        Binding("f", "follow_logs", "Follow", show=False, tooltip="Log pane: follow new lines"),
        Binding("e", "export_logs", "Export", show=False, tooltip="Log pane: export to a file"),
        Binding("slash", "search_logs", "Search", show=False, tooltip="Log pane: search"),
        Binding("f3", "search_step(True)", "Next", show=False, tooltip="Log pane: next match"),
        Binding(
            # xterm-style terminals (tmux, GNOME Terminal) send Shift+F3 as F15
            "shift+f3,f15",
            "search_step(False)",
            "Prev",
            show=False,
            tooltip="Log pane: previous match",
        ),
        Binding(
            "escape",
            "close_search",
            "Close search",
            show=False,
            tooltip="Log pane: close the search",
        ),
        Binding("l", "filter_worker", "Only", show=False, tooltip="Log pane: selected worker only"),
        Binding(
            "w", "toggle_wrap", "Wrap", show=False, tooltip="Log pane: wrap long lines, or scroll"
        ),
        *(
            Binding(
                str(number),
                f"min_level({level})",
                logging.getLevelName(level),
                show=False,
                tooltip=f"Log pane: {logging.getLevelName(level)} and above",
            )
            for number, level in enumerate(LEVELS, 1)
        ),
        Binding("ctrl+q", "request_quit", "Quit", show=False, priority=True, tooltip="Quit"),
    ]

    def __init__(
        self, options: AppOptions | None = None, log_file: JsonLinesLog | None = None
    ) -> None:
        super().__init__()
        _tune_garbage_collector()
        self.options = options or AppOptions()
        self.mailbox = BatchMailbox(self._logs_waiting, limit=self.options.max_log_lines)
        self.supervisor = Supervisor(
            self.mailbox if log_file is None else fan_out(log_file, self.mailbox),
            start_method=self.options.start_method,
            level=self.options.level,
            on_change=self._worker_changed,
        )
        if log_file is not None:
            # In the TUI, stderr is the screen: a failing log file says so as a toast.
            log_file.on_error = lambda message: self.call_from_thread(self._warn, message)
        self.sampler = Sampler()
        self.settings = load_settings()
        self.cpu_history = CpuHistory()
        self._last_rows: dict[int, WorkerRow] = {}
        self._sample_lock = threading.Lock()
        self._sample_queued = False
        self.exit_policy = ExitPolicy(self.supervisor, self.options.grace)
        # Long operations under way (joins, stops): the header's subtitle shows them.
        self._progress_texts: dict[int, str] = {}
        self._operations = itertools.count(1)
        self._joins_watched: set[int] = set()
        self._show_worker_count(0)

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield WorkerTable(id="workers")
        yield Static(
            "No workers yet. Press n to spawn a worker, d for a daemon worker, ? for every key.",
            id="empty-hint",
        )
        yield LogPane(max_lines=self.options.max_log_lines, id="logs")
        yield SearchBox(
            placeholder="search the logs: Enter next, Shift+Enter previous, Esc close",
            id="log-search",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        # Held, not queried later: App.query_one searches the *active* screen, which is
        # a dialog while one is open, and refreshes keep arriving meanwhile.
        self.worker_table = self.query_one(WorkerTable)
        self.log_pane = self.query_one(LogPane)
        self.empty_hint = self.query_one("#empty-hint", Static)
        self.search_box = self.query_one(SearchBox)
        self.search_box.display = False
        self.worker_table.border_title = "Workers"
        self._apply_settings()
        self.set_interval(self.options.refresh, self.refresh_workers)
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for number in EXIT_SIGNALS:
                loop.add_signal_handler(number, self._exit_on_signal, number)
        plans = self.options.workers
        if self.options.demo:
            plans = lesson_plans(self.options.sleep)
        specs = [plan.spec for plan in plans for _ in range(plan.count)]
        if specs:
            self.spawn_workers(specs)

    def on_unmount(self) -> None:
        self.supervisor.shutdown(self.options.grace)

    # -- data in --------------------------------------------------------------------------

    def _worker_changed(self) -> None:
        """From the supervisor's threads: a worker ended, so sample now."""
        self.post_message(RefreshRequested())

    def _logs_waiting(self) -> None:
        """Runs on the listener thread: tell the event loop records are waiting."""
        self.post_message(LogsWaiting())

    def on_logs_waiting(self, message: LogsWaiting) -> None:
        entries = self.take_entries()
        if self.screen_stack:  # not while shutting down
            self.log_pane.add_entries(entries)

    def take_entries(self) -> list[LogEntry]:
        """The records that arrived since the last call.

        With ``take_rows``, the one seam between real processes and the screen: the
        screenshot scenes (tests/support/scenes.py) override both to give fixed
        times and PIDs, so a screen with live workers is the same on every run.
        """
        return self.mailbox.take()

    def take_rows(self) -> list[WorkerRow]:
        """One sweep of every worker, on a sampling thread (see ``take_entries``)."""
        return take_snapshot(self.supervisor, self.sampler, self.cpu_history)

    @on(RefreshRequested)
    def refresh_workers(self) -> None:
        """Sample soon; requests that arrive before the sweep starts share it."""
        if not self._sample_queued:
            self._sample_queued = True
            self.sample_workers()

    @work(thread=True, group="sample")
    def sample_workers(self) -> None:
        with self._sample_lock:  # one sweep at a time, posted in the order taken
            self._sample_queued = False  # changes from now on need a sweep of their own
            self.post_message(WorkersSampled(self.take_rows()))

    def on_workers_sampled(self, message: WorkersSampled) -> None:
        if not self.screen_stack:  # shutting down: workers ending as they are stopped
            return
        self.worker_table.show_rows(message.rows)
        self.worker_table.border_title = f"Workers — {summarize(message.rows)}"
        if self.exit_policy.stage is ExitStage.RUNNING:  # quitting ends workers on purpose
            for row in newly_failed(self._last_rows, message.rows):
                self._alert_failure(row)
        self._last_rows = {row.worker_id: row for row in message.rows}
        if isinstance(self.screen, QuitScreen):
            # The question is about workers that still run: keep it true as they end.
            running = sum(1 for row in message.rows if row.exit_code is None and not row.daemon)
            self.screen.show_running(running)
        self.empty_hint.display = not message.rows
        self._show_worker_count(len(message.rows))

    def _show_worker_count(self, count: int) -> None:
        self.title = f"mproc-tui — {plural(count, 'worker')} · {self.options.start_method}"

    # -- progress of long operations ------------------------------------------------------

    def _progress(self) -> OperationProgress:
        return OperationProgress(self, next(self._operations))

    def on_progress_changed(self, message: ProgressChanged) -> None:
        if message.text is None:
            self._progress_texts.pop(message.operation, None)
        else:
            self._progress_texts[message.operation] = message.text
        self.sub_title = "; ".join(self._progress_texts.values())
        if message.summary is not None and self.screen_stack:
            self._inform(message.summary)

    def _alert_failure(self, row: WorkerRow) -> None:
        name = safe_text(row.name)
        code = row.exit_code or 0
        if code < 0:
            what = f"{name} was killed by {signal_name(-code)} (exit code {code})"
        else:
            what = f"{name} exited with code {code}"
        self.notify(what, title="Worker failed", severity="error", timeout=8, markup=False)

    # -- actions --------------------------------------------------------------------------

    def _default_spec(self, daemon: bool) -> WorkerSpec:
        return WorkerSpec(args=(self.options.sleep,), daemon=daemon)

    def action_spawn(self) -> None:
        self.spawn_workers([self._default_spec(daemon=False)])

    def action_spawn_daemon(self) -> None:
        self.spawn_workers([self._default_spec(daemon=True)])

    @work(thread=True, group="spawn")
    def spawn_workers(self, specs: list[WorkerSpec]) -> None:
        """Spawns in order (the demo's names depend on it), off the event loop."""
        for spec in specs:
            try:
                self.supervisor.spawn(spec)
            except SupervisorError as error:
                self.call_from_thread(self._warn, str(error))
                break
        self.post_message(RefreshRequested())

    def action_spawn_dialog(self) -> None:
        self.push_screen(
            SpawnScreen(self.supervisor.start_method, check_target), self._spawn_chosen
        )

    def _spawn_chosen(self, plan: WorkerPlan | None) -> None:
        if plan is not None:
            self.spawn_workers([plan.spec] * plan.count)

    def action_signal(self) -> None:
        worker_id = self._selected()
        if worker_id is None:
            return
        name = self.supervisor.status(worker_id).name

        def send(choice: SignalChoice | None) -> None:
            if choice is None:
                return
            try:
                count = self.supervisor.send_signal(
                    worker_id, choice.signal_number, with_children=choice.with_children
                )
            except SupervisorError as error:
                self._warn(str(error))
                return
            signal_name = signal.Signals(choice.signal_number).name
            others = count - 1
            also = f" and {others} {'child' if others == 1 else 'children'}"
            self._inform(f"Sent {signal_name} to {name}{also if choice.with_children else ''}")
            self.post_message(RefreshRequested())

        self.push_screen(SignalScreen(name), send)

    def action_restart(self) -> None:
        worker_id = self._selected()
        if worker_id is not None:
            self.restart_worker(worker_id)

    @work(thread=True, group="spawn")
    def restart_worker(self, worker_id: int) -> None:
        """Like process-compose: a running worker is stopped first, then started anew."""
        try:
            with self._progress() as progress:
                self._stop_reporting([worker_id], "restarting", progress)
            self.supervisor.respawn(worker_id)
        except SupervisorError as error:
            self.call_from_thread(self._warn, str(error))
        self.post_message(RefreshRequested())

    def action_stop_all(self) -> None:
        worker_ids = self.supervisor.live_worker_ids()
        if worker_ids:
            self.stop_workers(worker_ids)
        else:
            self._warn("No running workers to stop.")

    @work(thread=True, group="stop")
    def stop_workers(self, worker_ids: list[int]) -> None:
        """SIGTERM, then SIGKILL after --grace; the header counts them as they end."""
        with self._progress() as progress:
            outcome = self._stop_reporting(worker_ids, "terminating", progress)
            if outcome.signalled:  # else they all ended on their own meanwhile
                progress.summary = stop_summary(outcome)
        self.post_message(RefreshRequested())

    def _stop_reporting(
        self, worker_ids: list[int], verb: str, progress: OperationProgress
    ) -> StopReport:
        """On a thread: Supervisor.stop, its progress shown in the header as it goes."""
        return self.supervisor.stop(
            worker_ids,
            self.options.grace,
            lambda so_far: progress.show(stop_progress(verb, so_far)),
        )

    def _selected(self) -> int | None:
        worker_id = self.worker_table.selected_worker_id
        if worker_id is None:
            self._warn("No worker selected.")
        return worker_id

    def _signal_selected(self, signal_number: int) -> None:
        worker_id = self._selected()
        if worker_id is None:
            return
        try:
            self.supervisor.send_signal(worker_id, signal_number)
        except SupervisorError as error:
            self._warn(str(error))
        self.post_message(RefreshRequested())

    def action_terminate(self) -> None:
        self._stop_selected(signal.SIGTERM, "Terminate")

    def action_kill(self) -> None:
        self._stop_selected(signal.SIGKILL, "Kill")

    def _stop_selected(self, signal_number: int, action: str) -> None:
        """k/K: a child row's process alone; a worker with children asks about them."""
        worker_id = self._selected()
        if worker_id is None:
            return
        child_pid = self.worker_table.selected_child_pid
        if child_pid is not None:
            try:
                self.supervisor.signal_descendant(worker_id, child_pid, signal_number)
            except SupervisorError as error:
                self._warn(str(error))
            self.post_message(RefreshRequested())
            return
        row = self.worker_table.row_of(worker_id)
        if row is None or not row.children or row.exit_code is not None:
            self._signal_selected(signal_number)
            return

        def chosen(choice: ChildrenChoice | None) -> None:
            if choice is None:
                return
            try:
                self.supervisor.send_signal(
                    worker_id, signal_number, with_children=choice == "with-children"
                )
            except SupervisorError as error:
                self._warn(str(error))
            self.post_message(RefreshRequested())

        self.push_screen(ChildrenScreen(action, row.name, row.children), chosen)

    # -- settings kept between runs -----------------------------------------------------------

    def _apply_settings(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self._apply_split()
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _apply_split(self) -> None:
        share = self.settings.table_share
        self.worker_table.styles.height = f"{share}fr"
        self.log_pane.styles.height = f"{10 - share}fr"

    def _theme_changed(self, theme: Theme) -> None:
        self.settings = replace(self.settings, theme=theme.name)
        save_settings(self.settings)

    def action_resize_split(self, step: int) -> None:
        self.settings = self.settings.with_share(step)
        self._apply_split()
        save_settings(self.settings)

    def action_toggle_tree(self) -> None:
        self.worker_table.set_tree(not self.worker_table.tree_view)

    def action_move_sort(self, step: int) -> None:
        self.worker_table.move_sort(step)

    def action_invert_sort(self) -> None:
        self.worker_table.invert_sort()

    def action_join(self) -> None:
        worker_id = self._selected()
        if worker_id is not None:
            self._join([worker_id])

    def action_join_all(self) -> None:
        worker_ids = [
            status.worker_id
            for status in self.supervisor.poll()
            if status.lifecycle is not Lifecycle.JOINED
        ]
        if worker_ids:
            self._join(worker_ids)
        else:
            self._warn("No workers to join.")

    def _join(self, worker_ids: list[int]) -> None:
        """Request the joins; the supervisor's reaper completes them off the event loop."""
        accepted = []
        for worker_id in worker_ids:
            try:
                self.supervisor.begin_join(worker_id)
            except SupervisorError as error:
                self._warn(str(error))
                continue
            if worker_id not in self._joins_watched:  # j twice: one count in the header
                accepted.append(worker_id)
        self.post_message(RefreshRequested())
        if accepted:
            self._joins_watched.update(accepted)
            self.watch_joins(accepted)

    @work(thread=True, group="join")
    def watch_joins(self, worker_ids: list[int]) -> None:
        """A join can take as long as the worker likes: count them in the header."""
        total = len(worker_ids)
        try:
            with self._progress() as progress:
                if self.supervisor.join_many(
                    worker_ids,
                    on_progress=lambda ended: progress.show(join_progress(ended, total)),
                ):
                    progress.summary = join_summary(total)
        finally:
            self._joins_watched.difference_update(worker_ids)  # a set: safe from a thread

    def action_clear_finished(self) -> None:
        removed = self.supervisor.clear_finished()
        if removed:
            self.notify(f"Cleared {plural(len(removed), 'finished worker')}.", timeout=2)
        self.post_message(RefreshRequested())

    def action_follow_logs(self) -> None:
        self.log_pane.follow()

    def action_search_logs(self) -> None:
        self.search_box.display = True
        self.search_box.focus()

    def action_search_step(self, forward: bool) -> None:
        if self.log_pane.search and not self.log_pane.find(forward):
            self._warn(f"No line contains {self.log_pane.search!r}.")

    @on(Input.Changed, "#log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.log_pane.set_search(event.value)

    @on(SearchBox.Step)
    def _search_stepped(self, message: SearchBox.Step) -> None:
        self.action_search_step(message.forward)

    def action_close_search(self) -> None:
        if self.search_box.display:
            self._search_closed()

    @on(SearchBox.Closed)
    def _search_closed(self) -> None:
        self.search_box.value = ""
        self.search_box.display = False
        self.worker_table.focus()

    @on(LogPane.DetailRequested)
    def _show_detail(self, message: LogPane.DetailRequested) -> None:
        self.push_screen(DetailScreen(message.entry))

    def action_export_logs(self) -> None:
        entries = self.log_pane.shown_entries()
        if not entries:
            self._warn("Nothing to export: the log pane shows no records.")
            return
        stem = time.strftime("mproc-tui-logs-%Y%m%d-%H%M%S")

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.export_logs(entries, choice)

        self.push_screen(ExportScreen(stem, len(entries)), chosen)

    @work(thread=True, group="export")
    def export_logs(self, entries: list[LogEntry], choice: ExportChoice) -> None:
        try:
            written = export_records(entries, choice.path, choice.form)
        except OSError as error:
            self.call_from_thread(self._warn, f"Export failed: {error}")
            return
        where = os.path.abspath(choice.path)
        self.call_from_thread(self._inform, f"Exported {plural(written, 'record')} to {where}")

    def action_toggle_wrap(self) -> None:
        self.log_pane.set_wrap(self.log_pane.wrap is None)

    def action_min_level(self, level: int) -> None:
        self.log_pane.set_filter(replace(self.log_pane.filter, min_level=level))

    def action_filter_worker(self) -> None:
        """l: the selected worker's lines only; again: everyone's."""
        current = self.log_pane.filter
        if current.worker_id is not None:
            self.log_pane.set_filter(replace(current, worker_id=None, worker_name=""))
            return
        worker_id = self._selected()
        if worker_id is not None:
            name = self.supervisor.status(worker_id).name
            self.log_pane.set_filter(replace(current, worker_id=worker_id, worker_name=name))

    def action_help(self) -> None:
        def keys(bindings: Iterable[BindingType]) -> list[Binding]:
            return [binding for binding in bindings if isinstance(binding, Binding)]

        palette = Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            tooltip="The command palette: every action by name, and themes",
        )
        sections = help_sections(
            [*keys(self.BINDINGS), palette],
            ("In the log pane (Tab or a click focuses it)", keys(LogPane.BINDINGS)),
            ("In the search box", keys(SearchBox.BINDINGS)),
        )
        self.push_screen(HelpScreen(sections))

    # -- quitting -------------------------------------------------------------------------

    def action_request_quit(self) -> None:
        """q: daemon workers are terminated now; then ask about non-daemon ones, if any."""
        if self.exit_policy.terminate_instead():  # q again while waiting: stop them
            self._inform("Terminating the remaining workers…")
        elif self.exit_policy.begin():
            self.end_daemons_then_ask()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key's action in the command palette (Ctrl+P), from the same bindings."""
        yield from super().get_system_commands(screen)
        seen = {"request_quit"}  # the palette's own Quit already takes that path
        for binding in self.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in seen:
                continue
            seen.add(binding.action)
            title = palette_title(binding)
            key = binding.key_display or describe_key(binding.key)
            yield SystemCommand(title, f"key: {key}", partial(self.run_action, binding.action))

    def action_quit(self) -> None:  # type: ignore[override]
        """The command palette's Quit takes the same path as q."""
        self.action_request_quit()

    @work(thread=True, group="quit")
    def end_daemons_then_ask(self) -> None:
        """The exit policy's first step, then the question about the rest."""
        daemons = self.exit_policy.daemons()
        if daemons:
            self._inform(f"Terminating {plural(len(daemons), 'daemon worker')}…")
        with self._progress() as progress:
            self.exit_policy.end_daemons(
                lambda so_far: progress.show(stop_progress("terminating", so_far))
            )
        self.call_from_thread(self._ask_about_running_workers)

    def _ask_about_running_workers(self) -> None:
        running = self.exit_policy.others()
        if running:
            self.push_screen(QuitScreen(len(running), self.options.grace), self._quit_chosen)
        else:
            self._quit_chosen("wait")

    def _quit_chosen(self, choice: QuitChoice | None) -> None:
        if choice is None:
            self.exit_policy.cancel()
        else:
            self.end_others_then_exit(choice == "wait")

    @work(thread=True, group="quit")
    def end_others_then_exit(self, wait: bool) -> None:
        """The exit policy's second step: wait (q again terminates) or terminate; then exit."""
        with self._progress() as progress:
            others = self.exit_policy.others()
            total = len(others)
            if wait and others:
                self._inform(
                    f"Waiting for {plural(total, 'worker')} to finish… "
                    "press q again to terminate instead."
                )
            them = "them" if total > 1 else "it"
            report = self.exit_policy.end_others(
                wait,
                on_wait=lambda ended, total: progress.show(
                    f"{wait_progress(ended, total)} · q again terminates {them}"
                ),
                on_stop=lambda so_far: progress.show(stop_progress("terminating", so_far)),
            )
            if report.terminated.signalled:
                self._inform(stop_summary(report.terminated))
        self.call_from_thread(self.exit)

    def _exit_on_signal(self, signal_number: int) -> None:
        """SIGINT, SIGTERM, SIGHUP: end now; the workers are stopped on the way out."""
        exit_code = 128 + signal_number
        exit_after(self.options.grace + 10.0, exit_code, lambda: self.supervisor.shutdown(0.5))
        self.exit(return_code=exit_code)

    # -- feedback -------------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        self.notify(safe_text(message), severity="warning", markup=False, timeout=4)

    def _inform(self, message: str) -> None:
        self.notify(safe_text(message), markup=False, timeout=3)
