"""The keys that look inside a running worker: ``p``, where each of its threads is, and
``v``, the level its logging records from."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from mproc_tui.core.workers import SupervisorError
from mproc_tui.ui.feedback import inform, reporting_errors, warn
from mproc_tui.ui.worker_screen import WorkerScreen

if TYPE_CHECKING:  # (run mode's modules, and the process machinery: not at start)
    from mproc_tui.core.program import ProgramRun
    from mproc_tui.core.rows import WorkerRow
    from mproc_tui.core.stack_text import StackReport
    from mproc_tui.core.supervisor import Supervisor


class InspectKeys(WorkerScreen):
    """``p`` shows the selected worker's stacks (or, on a child's row, that child's);
    ``v`` sets its root logger's level while it runs."""

    def action_stacks(self) -> None:
        worker_id = self._selected()
        if worker_id is None:
            return
        program = self.program
        if program is not None and self._owner(worker_id) is program:
            self._program_stacks(program, worker_id)
            return
        row = self.worker_table.row_of(worker_id)
        try:
            status = self.supervisor.status(worker_id)
        except SupervisorError as error:  # cleared meanwhile
            warn(self, str(error))
            return
        if row is None or status.pid is None:
            return
        child_pid = self.worker_table.selected_child_pid
        name, pid, create_time = _chosen(row, status.pid, status.create_time, child_pid)
        from mproc_tui.ui.screens.stack_screen import StackScreen  # (a dialog: not at start)

        reader = partial(_read, self.supervisor, worker_id, child_pid, name, pid, create_time)
        self.app.push_screen(StackScreen(reader, name))

    def _program_stacks(self, program: ProgramRun, worker_id: int) -> None:
        """A watched program's process (or, on a child's row, that child): its agent
        registered it for the same signal as a worker."""
        row = self.worker_table.row_of(worker_id)
        status = next((s for s in program.poll() if s.row_id == worker_id), None)
        if row is None or status is None:
            return
        child_pid = self.worker_table.selected_child_pid
        name, pid, create_time = _chosen(row, status.pid, status.create_time, child_pid)
        from mproc_tui.core.stacks import read_stacks  # (psutil: not at start)
        from mproc_tui.ui.screens.stack_screen import StackScreen  # (a dialog: not at start)

        reader = partial(read_stacks, program.stacks, name, pid, create_time)
        self.app.push_screen(StackScreen(reader, name))

    def action_source(self) -> None:
        """S: the watched program's source (a lesson's code), read from its file."""
        program = self.program
        script = None if program is None else program.command.script
        if script is None:
            warn(self, "S shows the source of a watched program: mproc-tui run, --lesson.")
            return
        try:
            text = Path(script).read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            warn(self, f"Cannot read {script}: {error.strerror or error}")
            return
        from mproc_tui.ui.screens.source_screen import SourceScreen  # (a dialog: not at start)

        self.app.push_screen(SourceScreen(script, text))

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
    from mproc_tui.core.stack_text import StackReport
    from mproc_tui.core.stacks import read_stacks  # (psutil: not at start)

    directory = supervisor.helpers.stacks
    if directory is None:  # no worker has started yet
        return StackReport(name, pid, problem=f"{name} cannot show its stack yet.")
    try:
        names = supervisor.thread_names(worker_id) if child_pid is None else {}
    except SupervisorError:  # cleared meanwhile: its stack says it has exited
        names = {}
    return read_stacks(directory, name, pid, create_time, names)


def _chosen(
    row: WorkerRow, pid: int, create_time: float | None, child_pid: int | None
) -> tuple[str, int, float | None]:
    """The row's process, or on a child's row (the tree) that child: name, pid, create time."""
    if child_pid is None:
        return row.name, pid, create_time
    child = next((child for child in row.children if child.pid == child_pid), None)
    return (child.name if child is not None else f"process {child_pid}"), child_pid, None
