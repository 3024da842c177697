"""The keys that look inside a running worker: ``p``, where each of its threads is, and
``v``, the level its logging records from."""

from __future__ import annotations

import logging
from functools import partial

from mproc_tui.core.stack_text import StackReport
from mproc_tui.core.stacks import read_stacks
from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.workers import SupervisorError
from mproc_tui.ui.feedback import inform, reporting_errors, warn
from mproc_tui.ui.worker_screen import WorkerScreen


class InspectKeys(WorkerScreen):
    """``p`` shows the selected worker's stacks (or, on a child's row, that child's);
    ``v`` sets its root logger's level while it runs."""

    def action_stacks(self) -> None:
        worker_id = self._selected()
        if worker_id is None or self._program_process(
            worker_id, "belongs to the watched program: its stack cannot be read yet."
        ):
            return
        row = self.worker_table.row_of(worker_id)
        try:
            status = self.supervisor.status(worker_id)
        except SupervisorError as error:  # cleared meanwhile
            warn(self, str(error))
            return
        if row is None or status.pid is None:
            return
        name, pid, create_time = row.name, status.pid, status.create_time
        child_pid = self.worker_table.selected_child_pid
        if child_pid is not None:
            child = next((child for child in row.children if child.pid == child_pid), None)
            name = child.name if child is not None else f"process {child_pid}"
            pid, create_time = child_pid, None
        from mproc_tui.ui.screens.stack_screen import StackScreen  # (a dialog: not at start)

        reader = partial(_read, self.supervisor, worker_id, child_pid, name, pid, create_time)
        self.app.push_screen(StackScreen(reader, name))

    def action_level(self) -> None:
        worker_id = self._selected()
        if worker_id is None or self._program_process(
            worker_id, "belongs to the watched program: its log level is its own."
        ):
            return
        status = self.supervisor.status(worker_id)
        if not status.alive:
            warn(self, f"{status.name} has ended: it logs nothing more.")
            return

        def chosen(level: int | None) -> None:
            if level is not None:
                with reporting_errors(self):
                    self.supervisor.set_level(worker_id, level)
                    inform(self, f"{status.name} logs from {logging.getLevelName(level)} up.")

        from mproc_tui.ui.screens.level_screen import LevelScreen  # (a dialog: not at start)

        self.app.push_screen(LevelScreen(status.name, status.level), chosen)


def _read(
    supervisor: Supervisor,
    worker_id: int,
    child_pid: int | None,
    name: str,
    pid: int,
    create_time: float | None,
) -> StackReport:
    """On a thread: the worker's threads' names (it tells them), then its stacks."""
    directory = supervisor.helpers.stacks
    if directory is None:  # no worker has started yet
        return StackReport(name, pid, problem=f"{name} cannot show its stack yet.")
    try:
        names = supervisor.thread_names(worker_id) if child_pid is None else {}
    except SupervisorError:  # cleared meanwhile: its stack says it has exited
        names = {}
    return read_stacks(directory, name, pid, create_time, names)
