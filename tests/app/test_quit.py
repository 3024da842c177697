"""Quitting with q: daemons are terminated, non-daemons are waited for or terminated."""

from __future__ import annotations

import threading

from mproc_tui.core.exit_policy import ExitStage
from mproc_tui.core.supervisor import Supervisor
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.screens.quit_screen import QuitScreen
from mproc_tui.ui.screens.spawn_screen import SpawnScreen
from tests.app.helpers import (
    SIZE,
    gone,
    make_app,
    open_quit_dialog,
    screen_text,
    toasts,
    wait_for,
    wait_rows,
)


async def test_q_with_no_workers_quits() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")


async def test_q_terminates_daemon_workers_without_asking() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        rows = await wait_rows(pilot, app, 1)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")
    assert gone(int(rows[0]["pid"]))
    assert app.supervisor.poll()[0].exit_code == -15


async def test_q_then_escape_cancels() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        rows = await wait_rows(pilot, app, 1)
        await open_quit_dialog(pilot, app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuitScreen), "dialog to close")
        await pilot.pause(0.3)
        assert app.is_running
        assert not gone(int(rows[0]["pid"]))


async def test_q_then_w_waits_for_non_daemon_workers() -> None:
    app = make_app(sleep=1.5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_rows(pilot, app, 1)
        await open_quit_dialog(pilot, app)
        await pilot.press("w")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit after the join")
    assert app.supervisor.poll()[0].exit_code == 0  # it ran to its end: joined, not killed
    assert app.supervisor.records_received == 2  # "start" and "end"


async def test_q_then_t_terminates_and_escalates() -> None:
    app = make_app(grace=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "d")
        rows = await wait_rows(pilot, app, 2)
        await open_quit_dialog(pilot, app)
        await pilot.click("#terminate")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")
    assert all(gone(int(row["pid"])) for row in rows)
    assert [status.exit_code for status in app.supervisor.poll()] == [-15, -15]


async def test_q_again_while_waiting_terminates_the_rest() -> None:
    app = make_app(sleep=60, grace=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        rows = await wait_rows(pilot, app, 1)
        await open_quit_dialog(pilot, app)
        await pilot.press("w")
        await pilot.pause(0.5)
        assert app.is_running  # still waiting for a worker that sleeps a minute
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")
    assert gone(int(rows[0]["pid"]))
    assert app.supervisor.poll()[0].exit_code == -15


async def test_q_terminates_daemons_before_asking_about_the_rest() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "d")
        rows = await wait_rows(pilot, app, 2)
        await open_quit_dialog(pilot, app)
        assert app.supervisor.poll()[1].exit_code == -15  # the daemon, before any answer
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuitScreen), "dialog to close")
        assert app.is_running
        assert not gone(int(rows[0]["pid"]))


async def test_the_dialog_resolves_itself_when_the_workers_finish() -> None:
    app = make_app(sleep=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_rows(pilot, app, 1)
        await open_quit_dialog(pilot, app)
        await wait_for(pilot, lambda: not app.is_running, "the app to exit by itself")
    assert app.supervisor.poll()[0].exit_code == 0


async def test_the_palette_quit_asks_too() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_rows(pilot, app, 1)
        await pilot.press("ctrl+p")
        await pilot.press(*"quit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), "the quit dialog")
        await pilot.press("t")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")


async def test_ctrl_q_does_not_stack_a_second_quit_dialog() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_rows(pilot, app, 1)
        await open_quit_dialog(pilot, app)
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert sum(isinstance(screen, QuitScreen) for screen in app.screen_stack) == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuitScreen), "dialog to close")


async def test_q_the_moment_wait_is_chosen_still_terminates() -> None:
    """The wait is chosen on the event loop: a q right after w is never lost."""
    app = make_app(sleep=60, grace=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        rows = await wait_rows(pilot, app, 1)
        await open_quit_dialog(pilot, app)
        await pilot.press("w", "q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")
    assert gone(int(rows[0]["pid"]))
    assert app.supervisor.poll()[0].exit_code == -15


async def test_nothing_new_starts_while_quitting_waits() -> None:
    """n, d, N and r while the app waits to quit: a worker started then would be stopped
    at the end without anyone being asked about it; each key says so instead."""
    app = make_app(sleep=60, grace=0.5)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("n")
        rows = await wait_rows(pilot, app, 1)
        await open_quit_dialog(pilot, app)
        await pilot.press("w")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuitScreen), "the wait")
        for key in ("n", "d", "N", "r"):
            await pilot.press(key)
        await wait_for(
            pilot,
            lambda: sum("mproc-tui is quitting" in toast for toast in toasts(app)) == 4,
            "each key saying why it does nothing",
        )
        assert len(app.supervisor.poll()) == 1 and not isinstance(app.screen, SpawnScreen)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")
    assert gone(int(rows[0]["pid"]))


async def test_the_dialog_says_the_daemons_are_already_gone_and_cancel_keeps_the_rest() -> None:
    app = make_app(sleep=60, grace=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await wait_rows(pilot, app, 1)
        await pilot.press("n")
        rows = await wait_rows(pilot, app, 2)
        await open_quit_dialog(pilot, app)
        await wait_for(
            pilot,
            lambda: "1 daemon worker was terminated already" in screen_text(app),
            "the dialog saying the daemon is gone",
        )
        assert "Cancel keeps the rest running" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, QuitScreen), "the cancel")
        daemon = next(int(row["pid"]) for row in rows if row["daemon"] == "yes")
        other = next(int(row["pid"]) for row in rows if row["daemon"] == "no")
        assert gone(daemon) and not gone(other)


class HeldMachinery(MprocApp):
    """Its supervisor is made only once the test lets it: the moments after the first
    frame, while the process machinery is still being made on its thread."""

    def __init__(self, release: threading.Event) -> None:
        super().__init__(AppOptions(demo=True, grace=1.0))
        self.release = release

    def _make_supervisor(self) -> Supervisor:
        assert self.release.wait(60)
        return super()._make_supervisor()


async def test_a_quit_begun_before_the_first_workers_start_starts_none() -> None:
    """q before the lesson's workers have started: nothing starts, nothing is asked."""
    release = threading.Event()
    app = HeldMachinery(release)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("q")
            await wait_for(
                pilot, lambda: app.exit_policy.stage is not ExitStage.RUNNING, "the quit"
            )
            release.set()
            await wait_for(pilot, lambda: not app.is_running, "the app to exit")
    finally:
        release.set()
    assert app.supervisor.poll() == []
