"""Quitting by the exit policy (``core/exit_policy.py``): the app's ``q``, its dialog, and
the signals that end it at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from mproc_tui.core.exit_policy import ExitPolicy, ExitStage
from mproc_tui.core.exit_watchdog import exit_after
from mproc_tui.core.text import plural
from mproc_tui.ui.feedback import inform
from mproc_tui.ui.operation_progress import OperationProgress
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.screens.quit_screen import QuitChoice, QuitScreen
from mproc_tui.ui.wording import (
    program_stop_progress,
    quit_wait_progress,
    stop_progress,
    stop_summary,
    waiting_to_quit,
)

if TYPE_CHECKING:
    from mproc_tui.core.program import ProgramRun


class QuittingApp(App[None]):
    """Daemon workers are terminated first; then the user chooses to wait for the rest
    or terminate them; a second ``q`` while waiting terminates them."""

    exit_policy: ExitPolicy
    program: ProgramRun | None
    options: AppOptions

    def shut_down_workers(self, grace: float) -> None:
        raise NotImplementedError

    def _start_processes(self) -> None:
        raise NotImplementedError

    def _still_running(self) -> int:
        """Non-daemon workers that still run, and the watched program if it does."""
        return len(self.exit_policy.others()) + self.exit_policy.program_running()

    def action_request_quit(self) -> None:
        """q: daemon workers are terminated now; then ask about non-daemon ones, if any."""
        if self.exit_policy.terminate_instead():  # q again while waiting: stop them
            inform(self, "Terminating the remaining workers…")
        elif self.exit_policy.begin():
            self.end_daemons_then_ask()

    def action_quit(self) -> None:  # type: ignore[override]
        """The command palette's Quit takes the same path as q."""
        self.action_request_quit()

    @work(thread=True, group="quit")
    def end_daemons_then_ask(self) -> None:
        daemons = self.exit_policy.daemons()
        if daemons:
            inform(self, f"Terminating {plural(len(daemons), 'daemon worker')}…")
        with OperationProgress(self) as progress:
            report = self.exit_policy.end_daemons(
                lambda so_far: progress.show(stop_progress("terminating", so_far))
            )
        self.call_from_thread(self._ask_about_the_rest, report.signalled)

    def _ask_about_the_rest(self, daemons_stopped: int = 0) -> None:
        running = self._still_running()
        running_program = self.program if self.exit_policy.program_running() else None
        program = running_program.command.describe() if running_program else None
        if running:
            question = QuitScreen(running, self.options.grace, program, daemons_stopped)
            self.push_screen(question, self._quit_chosen)
        else:
            self._quit_chosen("wait")

    def _quit_chosen(self, choice: QuitChoice | None) -> None:
        if choice is None:
            self.exit_policy.cancel()
            self._start_processes()  # if the quit came before they started
        else:
            self.exit_policy.choose(wait=choice == "wait")  # now: q again terminates instead
            self.end_the_rest_then_exit()

    @work(thread=True, group="quit")
    def end_the_rest_then_exit(self) -> None:
        with OperationProgress(self) as progress:
            others = self.exit_policy.others()
            if self.exit_policy.stage is ExitStage.WAITING and others:
                inform(self, waiting_to_quit(len(others)))
            program = self.program.command.describe() if self.program else None
            watched = program if self.exit_policy.program_running() else None
            report = self.exit_policy.end_others(
                on_wait=lambda ended, total: progress.show(
                    quit_wait_progress(ended, total, watched)
                ),
                on_stop=lambda so_far: progress.show(stop_progress("terminating", so_far)),
                on_program_stop=lambda: progress.show(
                    program_stop_progress(program or "", self.options.grace)
                ),
            )
            if report.terminated.signalled:
                inform(self, stop_summary(report.terminated))
        self.call_from_thread(self.exit)

    def _exit_on_signal(self, signal_number: int) -> None:
        """SIGINT, SIGTERM, SIGHUP: end now; the workers are stopped on the way out."""
        exit_code = 128 + signal_number
        exit_after(self.options.grace + 10.0, exit_code, lambda: self.shut_down_workers(0.5))
        self.exit(return_code=exit_code)
