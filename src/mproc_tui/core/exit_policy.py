"""How mproc-tui ends its workers when it ends: the one place that says in which order.

The order is the interpreter's at exit (``multiprocessing.util._exit_function``):

1. Daemon workers are terminated first: SIGTERM, then SIGKILL after the grace period.
2. Then the non-daemon workers still running are waited for (joined), or terminated
   the same way if so chosen. A wait can be cut short at any moment
   (``terminate_instead``: ``q`` again in the app); the workers still running are
   then terminated.

A program watched by ``mproc-tui run`` counts with the non-daemon workers: it is
waited for, or terminated (with every process it started), in step 2.

The app asks between the two steps (the quit dialog: wait, terminate or cancel).
``--no-tui`` first joins its non-daemon workers, as the lesson's main does, and then
ends the same way; after a signal it terminates every worker at once (``run``), in
one grace period rather than one per step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from mproc_tui.core.workers import StopReport

if TYPE_CHECKING:  # (the app makes its supervisor after the first frame)
    from mproc_tui.core.supervisor import Supervisor

StopProgress = Callable[[StopReport], None]
WaitProgress = Callable[[int, int], None]  # (ended, total)


class WatchedProgram(Protocol):
    """What the policy needs of a watched program (``core/program.py``'s ``ProgramRun``)."""

    ended: threading.Event

    def stop(self, grace: float) -> None: ...


class ExitStage(Enum):
    """Where an exit has got; the app's ``q`` means something different in each."""

    RUNNING = "running"  # not ending
    DAEMONS = "daemons"  # terminating the daemon workers
    ASKING = "asking"  # between the steps: the user chooses wait or terminate
    WAITING = "waiting"  # joining the non-daemon workers
    TERMINATING = "terminating"  # terminating the non-daemon workers
    DONE = "done"  # every worker has ended


@dataclass(frozen=True, slots=True)
class ExitReport:
    """What the second step did: how many it waited for, and the stop that followed."""

    waited: int
    terminated: StopReport


class ExitPolicy:
    """Ends a supervisor's workers in the interpreter's order; safe to drive from threads.

    ``begin`` starts an exit once (a second ``q`` while one is under way does not
    start another); ``cancel`` between the steps goes back to running.
    """

    def __init__(
        self,
        supervisor: Callable[[], Supervisor],
        grace: float,
        program: WatchedProgram | None = None,
    ) -> None:
        self._supervisor = supervisor  # asked for when workers are ended, not before
        self.grace = grace
        self.program = program
        self._stage = ExitStage.RUNNING
        self._lock = threading.Lock()
        self._terminate = threading.Event()  # set: stop waiting, terminate the rest

    @property
    def supervisor(self) -> Supervisor:
        return self._supervisor()

    @property
    def stage(self) -> ExitStage:
        return self._stage

    def begin(self) -> bool:
        """Start ending; False if an exit is already under way."""
        with self._lock:
            if self._stage is not ExitStage.RUNNING:
                return False
            self._stage = ExitStage.DAEMONS
            self._terminate.clear()
            return True

    def daemons(self) -> list[int]:
        return self.supervisor.live_worker_ids(daemon=True)

    def others(self) -> list[int]:
        """The non-daemon workers still running: what the second step is about."""
        return self.supervisor.live_worker_ids(daemon=False)

    def program_running(self) -> bool:
        return self.program is not None and not self.program.ended.is_set()

    def end_daemons(self, on_progress: StopProgress | None = None) -> StopReport:
        """Step 1, blocking: terminate the daemon workers; then the stage is ASKING."""
        report = self.supervisor.stop(self.daemons(), self.grace, on_progress)
        self._move(ExitStage.DAEMONS, ExitStage.ASKING)
        return report

    def cancel(self) -> None:
        """The user chose to keep running (Esc in the quit dialog)."""
        self._move(ExitStage.ASKING, ExitStage.RUNNING)

    def choose(self, wait: bool) -> None:
        """The answer between the steps: wait for the others (WAITING: from now on ``q``
        again cuts the wait short), or terminate them (TERMINATING)."""
        self._move(ExitStage.ASKING, ExitStage.WAITING if wait else ExitStage.TERMINATING)

    def end_others(
        self,
        on_wait: WaitProgress | None = None,
        on_stop: StopProgress | None = None,
        on_program_stop: Callable[[], None] | None = None,
    ) -> ExitReport:
        """Step 2, blocking, as chosen: wait for the non-daemon workers (until they end
        or ``terminate_instead``), then terminate whichever still run (the watched
        program first: ``on_program_stop``); then DONE."""
        others = self.others()
        program = self.program if self.program_running() else None
        waited = 0
        if self._stage is ExitStage.WAITING and (others or program):
            total = waited = len(others) + (program is not None)

            def tick(ended: int) -> None:
                if on_wait is not None:
                    ended += program is not None and program.ended.is_set()
                    on_wait(ended, total)

            self.supervisor.join_many(others, on_progress=tick, until=self._terminate.is_set)
            while program and not self._terminate.is_set() and not program.ended.wait(0.25):
                tick(len(others))
            tick(len(others))
        self._move(self._stage, ExitStage.TERMINATING)
        if program is not None and not program.ended.is_set():
            if on_program_stop is not None:
                on_program_stop()
            program.stop(self.grace)
        report = self.supervisor.stop(self.others(), self.grace, on_stop)
        self._move(ExitStage.TERMINATING, ExitStage.DONE)
        return ExitReport(waited=waited, terminated=report)

    def terminate_instead(self) -> bool:
        """Cut a wait short: the workers still running are terminated. False if not waiting."""
        with self._lock:
            if self._stage is not ExitStage.WAITING:
                return False
            self._terminate.set()
            return True

    def run(self, wait: bool) -> ExitReport:
        """Both steps without asking (``--no-tui``): ``wait`` for the others, or not.

        Without a wait, the two steps are one: every worker is terminated at once,
        daemons and others alike, so the whole stop takes one grace period.
        """
        self.begin()
        if wait:
            self.end_daemons()
            self.choose(wait=True)
            return self.end_others()
        self._move(ExitStage.DAEMONS, ExitStage.TERMINATING)
        if self.program is not None:
            self.program.stop(self.grace)
        report = self.supervisor.stop(self.supervisor.live_worker_ids(), self.grace)
        self._move(ExitStage.TERMINATING, ExitStage.DONE)
        return ExitReport(waited=0, terminated=report)

    def _move(self, expected: ExitStage, stage: ExitStage) -> None:
        with self._lock:
            if self._stage is expected:
                self._stage = stage
