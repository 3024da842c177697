"""The join keys (``j``, ``J``): wait for workers without blocking the screen."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work

from mproc_tui.core.text import safe_text
from mproc_tui.core.workers import Lifecycle
from mproc_tui.ui.feedback import inform, reporting_errors, warn
from mproc_tui.ui.operation_progress import OperationProgress
from mproc_tui.ui.wording import ended_words, join_progress, join_summary, waiting_words
from mproc_tui.ui.worker_screen import WorkerScreen

if TYPE_CHECKING:
    from mproc_tui.core.program import ProgramRun


class JoinKeys(WorkerScreen):
    """``j`` joins the selected worker, ``J`` every worker; the header counts them."""

    _joins_watched: set[int]  # joins under way: j twice counts once

    def action_join(self) -> None:
        worker_id = self._selected()
        if worker_id is None:
            return
        if self.program is not None and self._owner(worker_id) is self.program:
            self.wait_for_program_process(self.program, worker_id)
        else:
            self._join([worker_id])

    @work(thread=True, group="join")
    def wait_for_program_process(self, program: ProgramRun, row_id: int) -> None:
        """j on a program's process: mproc-tui is not its parent, so it cannot join it;
        it waits for the end as join() would, and says how it ended."""
        status = program.process(row_id)
        if status is None or not status.alive:
            warn(self, f"{status.name if status else 'That process'} has already ended.")
            return
        inform(self, waiting_words(status.name))
        with OperationProgress(self.app) as progress:
            progress.show(f"waiting for {safe_text(status.name)} to end")
            while status is not None and status.alive and self.app.is_running:
                time.sleep(0.1)
                status = program.process(row_id)
            if status is not None and not status.alive:
                progress.summary = f"{safe_text(status.name)} {ended_words(status.exit_code)}"

    def action_join_all(self) -> None:
        worker_ids = [
            status.worker_id
            for status in self.supervisor.poll()
            if status.lifecycle is not Lifecycle.JOINED
        ]
        if worker_ids:
            self._join(worker_ids)
        else:
            warn(self, "No workers to join.")

    def _join(self, worker_ids: list[int]) -> None:
        """Request the joins; the supervisor's reaper completes them off the event loop."""
        accepted = []
        for worker_id in worker_ids:
            with reporting_errors(self):
                self.supervisor.begin_join(worker_id)
                if worker_id not in self._joins_watched:  # j twice: one count in the header
                    accepted.append(worker_id)
        if accepted:
            self._joins_watched.update(accepted)
            self.watch_joins(accepted)

    @work(thread=True, group="join")
    def watch_joins(self, worker_ids: list[int]) -> None:
        """A join can take as long as the worker likes: count them in the header."""
        total = len(worker_ids)
        try:
            with OperationProgress(self.app) as progress:
                if self.supervisor.join_many(
                    worker_ids,
                    on_progress=lambda ended: progress.show(join_progress(ended, total)),
                ):
                    progress.summary = join_summary(total)
        finally:
            self._joins_watched.difference_update(worker_ids)  # a set: safe from a thread
