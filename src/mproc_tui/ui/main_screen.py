"""The main screen: the worker table above the log view, and the keys that steer workers.

Worker keys act on the table's selection through the supervisor; whatever they
change, the supervisor reports (``on_change``) and the app samples again, so no
key asks for a refresh of its own. Blocking calls run on thread workers.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Header, Static

from mproc_tui.core.exit_policy import ExitPolicy
from mproc_tui.core.rows import WorkerRow, started_by
from mproc_tui.core.target_check import check_target
from mproc_tui.core.text import plural
from mproc_tui.core.worker_plan import WorkerPlan
from mproc_tui.core.workers import WorkerSpec
from mproc_tui.ui.feedback import inform, reporting_errors, warn
from mproc_tui.ui.inspect_keys import InspectKeys
from mproc_tui.ui.join_keys import JoinKeys
from mproc_tui.ui.keys import APP, APP_KEYS, PALETTE_KEY, SCREEN, WORKER_KEYS, KeyArea, lend
from mproc_tui.ui.messages import RerunRequested
from mproc_tui.ui.operation_progress import OperationProgress
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.sync_keys import SyncKeys
from mproc_tui.ui.widgets.key_footer import KeyFooter
from mproc_tui.ui.widgets.log_view import LogView
from mproc_tui.ui.widgets.worker_table import WorkerTable
from mproc_tui.ui.wording import (
    program_stop_progress,
    signal_sent,
    stop_progress,
    stop_summary,
    table_summary,
)

if TYPE_CHECKING:
    from mproc_tui.core.program import ProgramRun
    from mproc_tui.core.supervisor import Supervisor
    from mproc_tui.ui.screens.children_screen import ChildrenChoice
    from mproc_tui.ui.screens.signal_screen import SignalChoice


class MainScreen(JoinKeys, InspectKeys, SyncKeys):
    """Workers above, their logs below; every key of the app works from anywhere on it."""

    BINDING_GROUP_TITLE = "Workers"
    WORKER_KEYS: ClassVar[list[Binding]] = WORKER_KEYS  # the screen's own (keys.py)
    # Every key by area, as help and the command palette list them.
    KEY_AREAS: ClassVar[tuple[KeyArea, ...]] = (
        KeyArea("Workers", SCREEN, WORKER_KEYS),
        KeyArea(WorkerTable.BINDING_GROUP_TITLE, "workers", WorkerTable.SCREEN_KEYS),
        KeyArea(LogView.BINDING_GROUP_TITLE, "log-view", LogView.SCREEN_KEYS),
        KeyArea("App", APP, [*APP_KEYS, PALETTE_KEY]),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        *lend(APP, [binding for binding in APP_KEYS if binding.show]),  # first in the footer
        *WORKER_KEYS,
        *lend("workers", WorkerTable.SCREEN_KEYS),
        *lend("log-view", LogView.SCREEN_KEYS),
    ]

    DEFAULT_CSS = """
    MainScreen {
        layout: vertical;
    }
    MainScreen > WorkerTable {
        height: 2fr;
        min-height: 6;
        border: round $primary;
        border-title-color: $text;
    }
    MainScreen > WorkerTable:focus {
        border: round $accent;
    }
    MainScreen > #empty-hint {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    selected_worker: var[tuple[int, str] | None] = var(None)  # (id, name), for the log view

    def __init__(
        self,
        supervisor: Callable[[], Supervisor],
        options: AppOptions,
        program: ProgramRun | None = None,
        exit_policy: ExitPolicy | None = None,
    ) -> None:
        super().__init__(supervisor, options, program, exit_policy)
        self._joins_watched: set[int] = set()
        # Made here and held, never queried: the app hands records to it from its first
        # moment, before this screen is mounted, and while dialogs show.
        self.worker_table.border_title = "Workers"
        self.empty_hint = Static(
            "No workers yet. Press n to spawn a worker, d for a daemon worker, ? for every key.",
            id="empty-hint",
        )
        self.log_view = LogView(options.max_log_lines, id="log-view")

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.worker_table
        yield self.empty_hint
        yield self.sync_panel
        yield self.log_view.data_bind(MainScreen.selected_worker)
        yield KeyFooter()

    def part(self, part_id: str) -> Widget | App[Any]:
        """Where a key area's actions run: a widget by its id, the screen, or the app."""
        if part_id == SCREEN:
            return self
        return self.app if part_id == APP else self.query_one(f"#{part_id}")

    async def action_run_in(self, part_id: str, action: str) -> None:
        """A key lent by a part of the screen (``ui/keys.py``): run the part's action."""
        await self.part(part_id).run_action(action)

    def show_rows(self, rows: list[WorkerRow]) -> None:
        self.worker_table.show_rows(rows)
        self._retitle()
        self.empty_hint.display = not rows
        self.check_deadlocks()

    def _retitle(self) -> None:
        """The table's title: its counts, and the sort when its column is turned off."""
        table = self.worker_table
        title = f"Workers — {table_summary(table.rows_shown())}"
        if table.sort_column in table.column_layout.hidden:
            title += f" — sorted by {table.header_label(table.sort_column)} (hidden column)"
        table.border_title = title

    def apply_split(self, table_share: int) -> None:
        """The table's share of the height, in tenths; the log view takes the rest."""
        self.worker_table.styles.height = f"{table_share}fr"
        self.log_view.styles.height = f"{10 - table_share}fr"

    def on_mount(self) -> None:
        # Watched, not messaged: a key right after an arrow must act on the new selection.
        self.watch(self.worker_table, "selection", self._selection_changed)
        self.watch(self.worker_table, "marked", self._marks_changed)
        self.watch(self.worker_table, "sort", self._retitle, init=False)
        self.watch(self.worker_table, "hidden_columns", self._retitle, init=False)

    def _selection_changed(self, selection: tuple[int, str] | None) -> None:
        self.selected_worker = selection

    def _marks_changed(self) -> None:
        self.log_view.marked_workers = self.worker_table.marked_names()

    # -- spawning -------------------------------------------------------------------------

    def action_spawn(self) -> None:
        if not self._quitting():
            self.spawn_workers([self._sleeper(daemon=False)])

    def action_spawn_daemon(self) -> None:
        if not self._quitting():
            self.spawn_workers([self._sleeper(daemon=True)])

    def _sleeper(self, daemon: bool) -> WorkerSpec:
        """n and d: the built-in sleeper, kept as the command line says (--restart, ...)."""
        keep = self.options.keep
        return WorkerSpec(
            args=(self.options.sleep,), daemon=daemon, restart=keep.restart, max_rss=keep.max_rss
        )

    @work(thread=True, group="spawn")
    def spawn_workers(self, specs: list[WorkerSpec]) -> None:
        """Spawns in order (the demo's names depend on it), off the event loop; a refusal
        ends the batch and says how far it got (the ones started run on)."""
        started, refusal = self.supervisor.spawn_all(specs)
        if refusal is not None:
            so_far = f"Started {len(started)} of {len(specs)} workers: " if len(specs) > 1 else ""
            warn(self, f"{so_far}{refusal}", timeout=12)

    def action_spawn_dialog(self) -> None:
        from mproc_tui.ui.screens.spawn_screen import SpawnScreen  # (a dialog: not at start)

        if not self._quitting():
            form = SpawnScreen(self.supervisor.start_method, check_target, self.options.keep)
            self.app.push_screen(form, self._spawn_chosen)

    def _spawn_chosen(self, plan: WorkerPlan | None) -> None:
        if plan is not None and not self._quitting():
            self.spawn_workers([plan.spec] * plan.count)

    def action_restart(self) -> None:
        worker_id = None if self._quitting() else self._selected()
        if worker_id is not None and not self._program_process(
            worker_id, "belongs to the program: it cannot be restarted on its own."
        ):
            self.restart_worker(worker_id)

    @work(thread=True, group="spawn")
    def restart_worker(self, worker_id: int) -> None:
        """Like process-compose: a running worker is stopped first, then started anew."""
        with reporting_errors(self), OperationProgress(self.app) as progress:
            self.supervisor.restart(
                worker_id,
                self.options.grace,
                lambda so_far: progress.show(stop_progress("restarting", so_far)),
            )

    # -- signalling and stopping ----------------------------------------------------------

    def action_signal(self) -> None:
        worker_id = self._selected()
        if worker_id is None:
            return
        row = self.worker_table.row_of(worker_id)
        name = row.name if row is not None else f"worker {worker_id}"
        owner = self._owner(worker_id)

        def send(choice: SignalChoice | None) -> None:
            if choice is None:
                return
            number, with_children = choice.signal_number, choice.with_children
            with reporting_errors(self):
                count = owner.send_signal(worker_id, number, with_children)
                inform(self, signal_sent(number, name, count, with_children))

        from mproc_tui.ui.screens.signal_screen import SignalScreen  # (a dialog: not at start)

        self.app.push_screen(SignalScreen(name), send)

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
        row = self.worker_table.row_of(worker_id)
        owner = self._owner(worker_id)
        if row is not None and row.restarting and child_pid is None:
            with reporting_errors(self):
                if self.supervisor.cancel_restart(worker_id):
                    inform(self, f"{row.name} will not restart: it stays ended.")
                    return
        if child_pid is not None:
            with reporting_errors(self):
                owner.signal_descendant(worker_id, child_pid, signal_number)
        elif (
            row is None
            or not row.running
            or not (processes := started_by(self.worker_table.rows_shown(), worker_id))
        ):
            with reporting_errors(self):
                owner.send_signal(worker_id, signal_number)
        else:

            def chosen(choice: ChildrenChoice | None) -> None:
                if choice is not None:
                    with reporting_errors(self):
                        children = choice == "with-children"
                        owner.send_signal(worker_id, signal_number, children)

            from mproc_tui.ui.screens.children_screen import ChildrenScreen  # (not at start)

            self.app.push_screen(ChildrenScreen(action, row.name, processes), chosen)

    def action_stop_all(self) -> None:
        worker_ids = self.supervisor.live_worker_ids() + self.supervisor.waiting_worker_ids()
        program = self.program
        if program is not None and not program.ended.is_set():
            self.stop_program(program)
        if worker_ids:
            self.stop_workers(worker_ids)
        elif program is None or program.ended.is_set():
            warn(self, "No running workers to stop.")

    @work(thread=True, group="stop")
    def stop_program(self, program: ProgramRun) -> None:
        """T with a watched program: it and every process it started, as quitting would."""
        with OperationProgress(self.app) as progress:
            progress.show(program_stop_progress(program.command.describe(), self.options.grace))
            program.stop(self.options.grace)

    @work(thread=True, group="stop")
    def stop_workers(self, worker_ids: list[int]) -> None:
        """SIGTERM, then SIGKILL after --grace; the header counts them as they end."""
        with OperationProgress(self.app) as progress:
            outcome = self.supervisor.stop(
                worker_ids,
                self.options.grace,
                lambda so_far: progress.show(stop_progress("terminating", so_far)),
            )
            if outcome.signalled:  # else they all ended on their own meanwhile
                progress.summary = stop_summary(outcome)

    def action_rerun(self) -> None:
        program = self.program
        if self._quitting():
            return
        if program is None:
            warn(self, "R runs a watched program again: mproc-tui run SCRIPT watches one.")
        elif not program.ended.is_set():
            name = program.command.describe()
            warn(self, f"{name} is still running: T stops it, then R runs it again.")
        else:
            self.post_message(RerunRequested())

    def action_clear_finished(self) -> None:
        removed = self.supervisor.clear_finished()
        if removed:
            inform(self, f"Cleared {plural(len(removed), 'finished worker')}.", timeout=2)
