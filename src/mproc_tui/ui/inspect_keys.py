"""The keys that look inside a worker: ``p``, where each of its threads is."""

from __future__ import annotations

from functools import partial

from mproc_tui.core.stack_text import StackReport
from mproc_tui.core.stacks import StackDirectory, read_stacks
from mproc_tui.ui.worker_screen import WorkerScreen


class InspectKeys(WorkerScreen):
    """``p`` shows the selected worker's stacks (or, on a child's row, that child's)."""

    def action_stacks(self) -> None:
        worker_id = self._selected()
        if worker_id is None or self._program_process(
            worker_id, "belongs to the watched program: its stack cannot be read yet."
        ):
            return
        row = self.worker_table.row_of(worker_id)
        if row is None or row.pid is None:
            return
        name, pid, create_time = row.name, row.pid, self.supervisor.status(worker_id).create_time
        child_pid = self.worker_table.selected_child_pid
        if child_pid is not None:
            child = next((child for child in row.children if child.pid == child_pid), None)
            name = child.name if child is not None else f"process {child_pid}"
            pid, create_time = child_pid, None
        from mproc_tui.ui.screens.stack_screen import StackScreen  # (a dialog: not at start)

        reader = partial(_read, self.supervisor.helpers.stacks, name, pid, create_time)
        self.app.push_screen(StackScreen(reader, name))


def _read(
    directory: StackDirectory | None, name: str, pid: int, create_time: float | None
) -> StackReport:
    if directory is None:  # no worker has started yet
        return StackReport(name, pid, problem=f"{name} cannot show its stack yet.")
    return read_stacks(directory, name, pid, create_time)
