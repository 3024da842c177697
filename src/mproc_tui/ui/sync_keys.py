"""P, the primitives panel, and the deadlock alert: the workers' (or a watched program's)
synchronisation."""

from __future__ import annotations

import time

from textual.timer import Timer

from mproc_tui.core.sync_table import SyncFile, SyncState, deadlocks, describe_deadlock
from mproc_tui.ui.feedback import warn
from mproc_tui.ui.widgets.sync_panel import SyncPanel
from mproc_tui.ui.worker_screen import WorkerScreen

PANEL_EVERY = 0.1  # seconds between two looks while the panel shows


class SyncKeys(WorkerScreen):
    """``P`` shows the primitives, read ten times a second while shown; a deadlock
    raises an alert (once each) whether the panel shows or not."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.sync_panel = SyncPanel(id="sync-panel")
        self._panel_timer: Timer | None = None
        self._deadlocks_told: set[frozenset[tuple[int, int]]] = set()

    def _sync_file(self) -> SyncFile | None:
        """A watched program's file, else the one the workers' targets write (once the
        helpers run)."""
        if self.program is not None:
            return self.program.sync
        return self.supervisor.helpers.sync

    def action_toggle_primitives(self) -> None:
        if self._sync_file() is None:
            warn(self, "P shows the workers' locks and the like, once one has started.")
            return
        panel = self.sync_panel
        if self.program is None:  # (a worker's target: synchronize's kinds are watched)
            panel.empty_text = "No Lock, RLock, Semaphore, Event, Condition or Barrier made "
            panel.empty_text += "by a worker's target yet."
        panel.display = not panel.display
        if panel.display:
            self._look()
            self._panel_timer = self.set_interval(PANEL_EVERY, self._look)
        elif self._panel_timer is not None:
            self._panel_timer.stop()
            self._panel_timer = None

    def _names(self) -> dict[int, str]:
        """Every process the table knows by name: its rows and their children."""
        names: dict[int, str] = {}
        for row in self.worker_table.rows_shown():
            names.update((child.pid, child.name) for child in row.children if child.name)
            if row.pid:
                names[row.pid] = row.name
        return names

    def _look(self) -> None:
        shared = self._sync_file()
        if shared is not None and self.sync_panel.display:
            self.sync_panel.show(shared.read(), self._names(), time.time())

    def check_deadlocks(self) -> None:
        """Each sample: a wait-for cycle over a second old is told, once."""
        shared = self._sync_file()
        if shared is None:
            return
        state: SyncState = shared.read()
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
