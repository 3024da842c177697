"""p on a stuck worker: a dialog with each thread's stack; s saves it, Esc closes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.screens.stack_screen import StackScreen
from tests.app.helpers import SIZE, logged, make_app, screen_text, toasts, wait_for
from tests.conftest import support_target


async def test_p_shows_where_each_thread_is_and_s_saves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target=support_target("stuck_on_a_lock"))])
        await wait_for(pilot, lambda: logged(app, ": stuck"), "the worker stuck")
        await pilot.press("p")
        await wait_for(pilot, lambda: "in stuck_on_a_lock" in screen_text(app), "its stack")
        shown = screen_text(app)
        assert "lock.acquire()" in shown and "targets.py" in shown
        assert "in helper_sleeps" in shown  # the other thread
        await pilot.press("s")
        await wait_for(pilot, lambda: any("Saved the stacks" in t for t in toasts(app)), "saved")
        (saved,) = tmp_path.glob("mproc-tui-stacks-Process-*.txt")
        assert "in stuck_on_a_lock" in saved.read_text()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, StackScreen), "closed")


async def test_p_on_a_worker_that_ended_says_so() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(0,))])
        await wait_for(pilot, lambda: logged(app, ": end"), "the worker's end")
        await wait_for(pilot, lambda: not app.supervisor.status(1).alive, "the worker reaped")
        await pilot.press("p")
        await wait_for(pilot, lambda: "has exited" in screen_text(app), "the message")
