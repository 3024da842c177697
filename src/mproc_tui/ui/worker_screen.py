"""What every group of worker keys on the main screen shares: the supervisor, the watched
program, the table's selection, and who steers a row's process.

The main screen (``main_screen.py``) composes the parts and binds the keys; its keys'
actions are grouped by what they do, one class each (``join_keys.py``,
``inspect_keys.py``), all built on this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.screen import Screen

from mproc_tui.core.exit_policy import ExitPolicy, ExitStage
from mproc_tui.core.workers import FIRST_ROW
from mproc_tui.ui.feedback import warn
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.widgets.worker_table import WorkerTable

if TYPE_CHECKING:
    from mproc_tui.core.program import ProgramRun
    from mproc_tui.core.supervisor import Supervisor


class WorkerScreen(Screen[None]):
    """A screen that steers workers (and a watched program's processes) from a table."""

    def __init__(
        self,
        supervisor: Callable[[], Supervisor],
        options: AppOptions,
        program: ProgramRun | None = None,
        exit_policy: ExitPolicy | None = None,
    ) -> None:
        super().__init__()
        self._supervisor = supervisor  # made when first asked for: after the first frame
        self.exit_policy = exit_policy  # while the app quits, nothing new starts
        self.options = options
        self.program = program  # mproc-tui run: the watched program, whose rows share the table
        # Made here and held, never queried: the app hands rows to it from its first
        # moment, before this screen is mounted, and while dialogs show.
        self.worker_table = WorkerTable(id="workers")

    @property
    def supervisor(self) -> Supervisor:
        return self._supervisor()

    def _selected(self) -> int | None:
        worker_id = self.worker_table.selected_worker_id
        if worker_id is None:
            warn(self, "No worker selected.")
        return worker_id

    def _owner(self, worker_id: int) -> Supervisor | ProgramRun:
        """Who steers the row's process: mproc-tui's supervisor, or the watched program."""
        if self.program is not None and worker_id >= FIRST_ROW:
            return self.program
        return self.supervisor

    def _program_process(self, worker_id: int, why: str) -> bool:
        """True (and says ``why`` not) if the row is one of the watched program's processes."""
        if self._owner(worker_id) is self.supervisor:
            return False
        row = self.worker_table.row_of(worker_id)
        warn(self, f"{row.name if row else 'That process'} {why}")
        return True

    def _quitting(self) -> bool:
        """True (and says so) while the app quits: a worker started now would be
        stopped at the end without anyone being asked about it."""
        if self.exit_policy is None or self.exit_policy.stage is ExitStage.RUNNING:
            return False
        warn(self, "mproc-tui is quitting: nothing new starts now (Esc in its dialog cancels).")
        return True
