"""P, the primitives panel, and the deadlock alert: a watched program's synchronisation."""

from __future__ import annotations

import time

from textual.timer import Timer

from mproc_tui.core.sync_table import SyncState, deadlocks, describe_deadlock
from mproc_tui.ui.feedback import warn
from mproc_tui.ui.widgets.sync_panel import SyncPanel
from mproc_tui.ui.worker_screen import WorkerScreen

PANEL_EVERY = 0.1  # seconds between two looks while the panel shows


class SyncKeys(WorkerScreen):
    """``P`` shows the program's primitives, read ten times a second while shown; a
    deadlock raises an alert (once each) whether the panel shows or not."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.sync_panel = SyncPanel(id="sync-panel")
        self._panel_timer: Timer | None = None
        self._deadlocks_told: set[frozenset[tuple[int, int]]] = set()

    def action_toggle_primitives(self) -> None:
        if self.program is None:
            warn(self, "P shows a watched program's locks and the like: mproc-tui run, --lesson.")
            return
        panel = self.sync_panel
        panel.display = not panel.display
        if panel.display:
            self._look()
            self._panel_timer = self.set_interval(PANEL_EVERY, self._look)
        elif self._panel_timer is not None:
            self._panel_timer.stop()
            self._panel_timer = None

    def _names(self) -> dict[int, str]:
        return {row.pid: row.name for row in self.worker_table.rows_shown() if row.pid}

    def _look(self) -> None:
        if self.program is not None and self.sync_panel.display:
            self.sync_panel.show(self.program.sync.read(), self._names(), time.time())

    def check_deadlocks(self) -> None:
        """Each sample: a wait-for cycle over a second old is told, once."""
        if self.program is None:
            return
        state: SyncState = self.program.sync.read()
        for cycle in deadlocks(state, time.time()):
            key = frozenset((wait.pid, wait.primitive) for wait in cycle)
            if key not in self._deadlocks_told:
                self._deadlocks_told.add(key)
                self.notify(
                    describe_deadlock(state, cycle, self._names()),
                    title="Deadlock",
                    severity="error",
                    timeout=15,
                    markup=False,
                )
