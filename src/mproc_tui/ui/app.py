"""The app wires the core to the main screen: it owns no process logic of its own.

It builds the supervisor, the mailbox and the sampler, feeds the main screen with
records and rows, shows long operations in the header, keeps the settings, and
quits by the exit policy (``quitting.py``). The supervisor and the sampler are made
when first asked for, in practice once the first frame is drawn: their modules
(multiprocessing's machinery, psutil) were a third of the imports before it.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.theme import Theme

from mproc_tui.core.exit_policy import ExitPolicy, ExitStage
from mproc_tui.core.garbage import freeze_what_start_up_made, tune_garbage_collector
from mproc_tui.core.log_file import JsonLinesLog, fan_out
from mproc_tui.core.mailbox import BatchMailbox
from mproc_tui.core.on_first_use import OnFirstUse
from mproc_tui.core.records import Record
from mproc_tui.core.restart_policy import RestartNote
from mproc_tui.core.rows import CpuHistory, WorkerRow, newly_failed, take_snapshot
from mproc_tui.core.samples import SweepPacer
from mproc_tui.core.settings import load_settings, save_settings
from mproc_tui.core.worker_plan import lesson_plans
from mproc_tui.core.workers import FIRST_ROW
from mproc_tui.ui.feedback import inform, warn
from mproc_tui.ui.keys import APP_KEYS, key_text
from mproc_tui.ui.main_screen import MainScreen
from mproc_tui.ui.messages import (
    LogsWaiting,
    MachineryMade,
    ProgressChanged,
    RefreshRequested,
    RerunRequested,
    WorkersSampled,
)
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.quitting import QuittingApp
from mproc_tui.ui.screens.quit_screen import QuitScreen
from mproc_tui.ui.strip_cycle import stop_strips_caching_themselves
from mproc_tui.ui.widgets.key_footer import KeyFooter
from mproc_tui.ui.widgets.log_pane import LogPane
from mproc_tui.ui.widgets.search_box import SearchBox
from mproc_tui.ui.widgets.worker_table import WorkerTable
from mproc_tui.ui.wording import (
    app_title,
    exit_words,
    failure,
    failure_title,
    program_title,
)

if TYPE_CHECKING:
    from mproc_tui.core.program import ProgramCommand, ProgramRun
    from mproc_tui.core.sampler import Sampler
    from mproc_tui.core.supervisor import Supervisor

EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class MprocApp(QuittingApp):
    """Live table of worker processes beside their live logs."""

    TITLE = "mproc-tui"
    BINDINGS: ClassVar[list[BindingType]] = [*APP_KEYS]

    def __init__(
        self, options: AppOptions | None = None, log_file: JsonLinesLog | None = None
    ) -> None:
        super().__init__()
        tune_garbage_collector()
        stop_strips_caching_themselves()
        self.options = options or AppOptions()
        self.mailbox = BatchMailbox(self._logs_waiting, limit=self.options.max_log_lines)
        records = self.mailbox if log_file is None else fan_out(log_file, self.mailbox)
        self._supervisor = OnFirstUse(self._make_supervisor)
        self._sampler = OnFirstUse(_make_sampler)
        if log_file is not None:
            # In the TUI, stderr is the screen: a failing log file says so as a toast.
            log_file.on_error = lambda message: warn(self, message)
        self._records = records
        command = self.options.program
        self.program = None if command is None else self._watch(command)
        self._told: set[str] = set()  # what the user was told about this run
        # (the program joins the exit policy once it runs: a quit before asks nothing of it)
        self.exit_policy = ExitPolicy(self._supervisor, self.options.grace)
        self.settings = load_settings()
        self.cpu_history = CpuHistory()
        self._last_rows: dict[int, WorkerRow] = {}
        self._sample_lock = threading.Lock()
        self._sample_queued = False
        self._pacer = SweepPacer()
        self._progress_texts: dict[int, str] = {}  # long operations under way: the header
        self._processes_started = False
        self.main_screen = MainScreen(
            self._supervisor, self.options, self.program, self.exit_policy
        )
        self.title = self._title([])

    @property
    def supervisor(self) -> Supervisor:
        """Made on first use: by the first frame's KeysShown, or whatever needs it sooner."""
        return self._supervisor()

    def _make_supervisor(self) -> Supervisor:
        from mproc_tui.core.supervisor import Supervisor

        return Supervisor(
            self._records,
            start_method=self.options.start_method,
            level=self.options.level,
            on_change=self._worker_changed,
            on_restart=self._restart_noted,
            on_memory=lambda note: warn(self, note.describe(), timeout=8),
            grace=self.options.grace,
        )

    def shut_down_workers(self, grace: float) -> None:
        """Stop every worker (and the helpers); a supervisor never made has none."""
        if self._supervisor.made:
            self.supervisor.shutdown(grace)

    def _watch(self, command: ProgramCommand, first_row: int = FIRST_ROW) -> ProgramRun:
        """``mproc-tui run``: the program, its rows numbered from ``first_row``."""
        from mproc_tui.core.program import ProgramRun  # (run mode only)

        return ProgramRun(
            command,
            self._records,
            self.options.level,
            self.options.program_start_method,
            on_change=self._worker_changed,
            first_row=first_row,
        )

    def on_rerun_requested(self, message: RerunRequested) -> None:
        """R: the ended program runs again; its old rows go, its records stay."""
        old = self.program
        if old is None or not old.ended.is_set():
            return
        new = self._watch(old.command, first_row=old.next_row)
        self.program = self.exit_policy.program = self.main_screen.program = new
        self._told = set()
        self.supervisor.guard_group(new.start())
        self._let_go(old)
        self.clear_notifications()  # "… ended. R runs it again." is about the last run
        inform(self, f"Running {old.command.describe()} again.")
        self.refresh_workers()

    @work(thread=True, group="program")
    def _let_go(self, program: ProgramRun) -> None:
        """An ended run's last records and files, off the event loop."""
        program.shutdown(self.options.grace)

    def get_default_screen(self) -> Screen[Any]:
        return self.main_screen

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.main_screen.apply_split(self.settings.table_share)
        self.main_screen.worker_table.show_columns(frozenset(self.settings.hidden_columns))
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.set_interval(self.options.refresh, self.refresh_workers)
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for number in EXIT_SIGNALS:
                loop.add_signal_handler(number, self._exit_on_signal, number)
        # Processes start once the first frame is whole, not before: their start-up
        # would take the cores the first frame needs (and at the latest after a second).
        self.set_timer(1.0, self._start_processes)

    @on(KeyFooter.KeysShown)
    @work(thread=True, group="machinery")
    def _make_machinery(self) -> None:
        """Once the first frame is drawn: the supervisor and the sampler, made on a thread,
        since importing their modules takes about 50 ms of CPU that keys would wait for."""
        self._supervisor()
        self._sampler()
        self.post_message(MachineryMade())

    @on(MachineryMade)
    def _start_processes(self) -> None:
        """The helpers, the watched program, the first workers: once, and not while the
        app quits (a quit begun before they start starts nothing; cancelled, it does)."""
        if self._processes_started or self.exit_policy.stage is not ExitStage.RUNNING:
            return
        self._processes_started = True
        supervisor, _ = self.supervisor, self._sampler()  # made (their modules imported) ...
        freeze_what_start_up_made()  # ... before the freeze: they live as long as the app
        supervisor.start_helpers()  # (on the main thread: see core/helpers.py)
        if self.program is not None:
            supervisor.guard_group(self.program.start())  # it leads its own group
            self.exit_policy.program = self.program
        plans = lesson_plans(self.options.sleep) if self.options.demo else self.options.workers
        specs = [plan.spec for plan in plans for _ in range(plan.count)]
        if specs:
            self.main_screen.spawn_workers(specs)

    def on_unmount(self) -> None:
        if self.program is not None:
            self.program.shutdown(self.options.grace)
        self.shut_down_workers(self.options.grace)

    # -- data in: records and rows --------------------------------------------------------

    def _worker_changed(self) -> None:
        """From whichever thread changed a worker (``Supervisor.on_change``): sample now."""
        self.post_message(RefreshRequested())

    def _restart_noted(self, note: RestartNote) -> None:
        """From the reaper's or the timers' thread: a restart that will not happen is news
        (one that will shows in the failure's toast and the row's state)."""
        if note.delay is None:
            warn(self, note.describe(exit_words(note.exit_code)), timeout=8)

    def _logs_waiting(self) -> None:
        """Runs on the listener thread: tell the event loop records are waiting."""
        self.post_message(LogsWaiting())

    def on_logs_waiting(self, message: LogsWaiting) -> None:
        entries = self.take_entries()
        if self.screen_stack:  # not while shutting down
            self.main_screen.log_view.add_entries(entries)

    def take_entries(self) -> Sequence[Record]:
        """The records that arrived since the last call.

        With ``take_rows``, the one seam between real processes and the screen: the
        screenshot scenes (tests/support/scenes.py) override both to give fixed
        times and PIDs, so a screen with live workers is the same on every run.
        """
        return self.mailbox.take()

    def take_rows(self) -> list[WorkerRow]:
        """One sweep of every worker, on a sampling thread (see ``take_entries``)."""
        return take_snapshot(self.supervisor, self._sampler(), self.cpu_history, self.program)

    @on(RefreshRequested)
    def refresh_workers(self) -> None:
        """Sample soon; requests that arrive before the sweep starts share it."""
        if not self._sample_queued:
            self._sample_queued = True
            self.sample_workers()

    @work(thread=True, group="sample")
    def sample_workers(self) -> None:
        with self._sample_lock:  # one sweep at a time, posted in the order taken
            self._pacer.wait_turn()  # meanwhile more requests share this sweep
            self._sample_queued = False  # changes from now on need a sweep of their own
            started = time.monotonic()
            rows = self.take_rows()
            self._pacer.swept(time.monotonic() - started)
            self.post_message(WorkersSampled(rows))

    def on_workers_sampled(self, message: WorkersSampled) -> None:
        if not self.screen_stack:  # shutting down: workers ending as they are stopped
            return
        rows = message.rows
        self.main_screen.show_rows(rows)
        self.title = self._title(rows)
        if self.exit_policy.stage is ExitStage.RUNNING:  # quitting ends workers on purpose
            for row in newly_failed(self._last_rows, rows):
                self.notify(
                    failure(row),
                    title=failure_title(row),
                    severity="error",
                    timeout=8,
                    markup=False,
                )
        self._last_rows = {row.worker_id: row for row in rows}
        if isinstance(self.screen, QuitScreen):
            # The question is about workers that still run: keep it true as they end.
            self.screen.show_running(self._still_running(), self.exit_policy.program_running())
        if self.program is not None:
            self._tell_about(self.program)

    def _tell_about(self, program: ProgramRun) -> None:
        """Once a run: that the agent did not load in it, and how it ended."""
        if "agent" not in self._told and (missing := program.agent_missing):
            self._told.add("agent")
            warn(self, f"{program.command.describe()}: {missing}.", timeout=12)
        if "ended" not in self._told and program.ended.is_set():
            self._told.add("ended")
            ended = f"{program.command.describe()} {exit_words(program.returncode)}"
            inform(self, f"{ended}. R runs it again.", timeout=6)

    def _title(self, rows: list[WorkerRow]) -> str:
        if self.program is None:
            restarts = sum(row.restarts for row in rows)
            return app_title(len(rows), self.options.start_method, restarts)
        program = self.program
        ended, code, dropped = program.ended.is_set(), program.returncode, program.records_dropped
        title = program_title(program.command.describe(), len(rows), ended, code, dropped)
        return f"{title} · its agent did not load" if program.agent_missing else title

    def on_progress_changed(self, message: ProgressChanged) -> None:
        """Long operations under way (joins, stops, quitting): the header's subtitle."""
        if message.text is None:
            self._progress_texts.pop(message.operation, None)
        else:
            self._progress_texts[message.operation] = message.text
        self.sub_title = "; ".join(self._progress_texts.values())
        if message.summary is not None and self.screen_stack:
            inform(self, message.summary)

    # -- keys, help and the palette -------------------------------------------------------

    def action_help(self) -> None:
        from mproc_tui.ui.screens.help_screen import HelpScreen, key_rows  # (not at start)

        sections = [(area.title, key_rows(area.bindings)) for area in MainScreen.KEY_AREAS]
        sections += [
            ("In the log pane (Tab or a click focuses it)", key_rows(LogPane.BINDINGS)),
            ("In the search box", key_rows(SearchBox.BINDINGS)),
        ]
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key's action in the command palette (Ctrl+P), from the same bindings."""
        yield from super().get_system_commands(screen)
        for area in MainScreen.KEY_AREAS:
            seen = {"request_quit", "command_palette"}  # the palette has its own Quit
            owner = self.main_screen.part(area.part_id)
            for binding in area.bindings:
                if binding.action not in seen:
                    seen.add(binding.action)
                    title, key = area.palette_title(binding), f"key: {key_text(binding)}"
                    yield SystemCommand(title, key, partial(owner.run_action, binding.action))

    @on(WorkerTable.ColumnsChosen)
    def _columns_chosen(self, message: WorkerTable.ColumnsChosen) -> None:
        self.settings = replace(self.settings, hidden_columns=sorted(message.hidden))
        save_settings(self.settings)

    @on(WorkerTable.ResizeRequested)
    def _resize_split(self, message: WorkerTable.ResizeRequested) -> None:
        self.settings = self.settings.with_share(message.step)
        self.main_screen.apply_split(self.settings.table_share)
        save_settings(self.settings)

    def _theme_changed(self, theme: Theme) -> None:
        self.settings = replace(self.settings, theme=theme.name)
        save_settings(self.settings)


def _make_sampler() -> Sampler:
    from mproc_tui.core.sampler import Sampler  # (psutil: on the first sweep's thread)

    return Sampler()
