"""p on a stuck worker: a dialog with each thread's stack; s saves it, Esc closes it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mproc_tui.core.program import ProgramCommand
from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.screens.stack_screen import StackScreen
from tests.app.helpers import (
    SIZE,
    logged,
    make_app,
    screen_text,
    table_rows,
    toasts,
    wait_for,
)
from tests.conftest import support_target

PROGRAMS = Path(__file__).parents[1] / "support" / "programs"


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


@pytest.mark.parametrize(
    ("script", "args", "row", "shown"),
    [
        ("naps.py", ("60",), "napper", "in nap"),  # spawn
        ("naps.py", ("60",), "MainProcess", "napper.join()"),  # the program's own
        ("pool_program.py", ("100000000",), "ForkPoolWorker-1", "in worker"),  # fork
    ],
)
async def test_p_under_run_shows_any_process_of_the_program(
    script: str, args: tuple[str, ...], row: str, shown: str
) -> None:
    command = ProgramCommand(sys.executable, str(PROGRAMS / script), args=args)
    options = AppOptions(refresh=0.2, grace=1.0, program=command, program_start_method="fork")
    app = MprocApp(options)
    async with app.run_test(size=SIZE) as pilot:

        def pid_of_row() -> int | None:
            found = [r["pid"] for r in table_rows(app) if r["name"] == row]
            return int(found[0]) if found and found[0] else None

        await wait_for(pilot, lambda: pid_of_row() is not None, f"the row of {row}")
        stacks = app.program.stacks if app.program is not None else None
        assert stacks is not None
        await wait_for(pilot, lambda: stacks.can_dump(pid_of_row() or 0), "its agent registered")
        names = [r["name"] for r in table_rows(app)]
        app.main_screen.worker_table.move_cursor(names.index(row))
        await pilot.press("p")
        # Registered early in its start-up, a process may be asked before it reaches
        # the line awaited: r reads again, as a user would.
        for _ in range(40):
            await wait_for(pilot, lambda: read_once(app), "a reading")
            if shown in screen_text(app):
                break
            await pilot.press("r")
        assert shown in screen_text(app)


def read_once(app: MprocApp) -> bool:
    """The dialog shows a reading (not "Reading the stacks…")."""
    screen = app.screen
    return (
        isinstance(screen, StackScreen)
        and screen.report is not None
        and "Reading the stacks" not in screen_text(app)
    )
