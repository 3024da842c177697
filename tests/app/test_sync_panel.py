"""The primitives panel and the deadlock alert, on real programs under mproc-tui run."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from mproc_tui.core.program import ProgramCommand
from mproc_tui.core.workers import WorkerSpec
from mproc_tui.lessons import lesson_path
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from tests.app.helpers import SIZE, make_app, screen_text, table_rows, toasts, wait_toast
from tests.conftest import support_target
from tests.support.waiting import wait_for

PROGRAMS = Path(__file__).parents[1] / "support" / "programs"


def watching(script: str, *args: str) -> MprocApp:
    command = ProgramCommand(sys.executable, script, args=args)
    return MprocApp(AppOptions(refresh=0.2, grace=1.0, program=command))


async def test_a_deadlock_is_named_in_an_alert_the_table_and_the_panel() -> None:
    app = watching(str(PROGRAMS / "deadlock.py"), "forkserver")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_toast(pilot, app, "Deadlock: ")
        (alert,) = [toast for toast in toasts(app, "error") if toast.startswith("Deadlock")]
        assert "holds Lock#1 and waits for Lock#2" in alert
        assert "holds Lock#2 and waits for Lock#1" in alert
        assert "first" in alert and "second" in alert
        states = {row["name"]: row["state"] for row in table_rows(app)}
        assert states["first"].startswith("waiting: Lock#2 (held by second, ")
        assert states["second"].startswith("waiting: Lock#1 (held by first, ")
        await pilot.press("P")
        panel = app.main_screen.sync_panel
        await wait_for(pilot, lambda: "Deadlock: " in screen_text(app), "the cycle shown")
        shown = screen_text(app)
        assert "Lock#1 (deadlock.py:26): held by first" in shown
        assert "Barrier#3 (deadlock.py:26)" in shown
        await pilot.press("P")
        await wait_for(pilot, lambda: not panel.display, "the panel hidden")


@pytest.mark.parametrize("method", ["forkserver", "spawn", "fork"])
async def test_a_deadlock_inside_a_users_target_is_named_too(method: str) -> None:
    app = MprocApp(AppOptions(refresh=0.2, grace=1.0, start_method=method))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        spec = WorkerSpec(target=support_target("deadlocked_children"))
        app.main_screen.spawn_workers([spec])
        await wait_toast(pilot, app, "Deadlock: ")
        (alert,) = [toast for toast in toasts(app, "error") if toast.startswith("Deadlock")]
        assert "holds Lock#1 and waits for Lock#2" in alert
        assert "holds Lock#2 and waits for Lock#1" in alert
        assert "first (" in alert and "second (" in alert  # the target's children, by name
        await pilot.press("P")
        await wait_for(pilot, lambda: "Barrier#3 (deadlock.py:" in screen_text(app), "the panel")
        assert "Lock#1 (deadlock.py:" in screen_text(app)


async def test_the_lock_lesson_panel_changes_hands() -> None:
    app = watching(str(lesson_path("lock")), "--sleep", "0.5")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        holders: set[str] = set()

        def seen_three_holders() -> bool:
            for line in screen_text(app).splitlines():
                if "Lock#1 (lock_lesson.py:" in line and "held by Process-" in line:
                    # (a holder the table has not named yet shows as "pid N" meanwhile)
                    holders.add(line.split("held by ")[1].split()[0])
            return len(holders) == 3

        await wait_for(pilot, seen_three_holders, "three workers holding the lock in turn")
        assert holders == {"Process-1", "Process-2", "Process-3"}


async def test_p_without_a_watched_program_shows_the_workers_primitives() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.supervisor.helpers.sync is not None, "the helpers")
        await pilot.press("P")
        await wait_for(pilot, lambda: "made by a worker's target yet" in screen_text(app), "P")


# Each lesson's own primitive, as the panel names it.
PRIMITIVE_OF = {
    "lock": "Lock#1",
    "rlock": "RLock#1",
    "semaphore": "Semaphore#1",
    "event": "Event#1",
    "condition": "Condition#1",
    "barrier": "Barrier#1",
    "queue": "Queue#1",
    "value": "Value#2",  # (the first, without its lock, races to its end at once)
    "array": "Array#1",
    "pipe": "Pipe#1",  # its ends go to the workers; each end's messages are counted
    "manager": "Manager#1",  # its server, its proxies, then shut down
}


@pytest.mark.parametrize("lesson", list(PRIMITIVE_OF))
async def test_each_lessons_primitive_shows_in_the_panel_and_changes(lesson: str) -> None:
    app = watching(str(lesson_path(lesson)), "--sleep", "0.4")
    name = PRIMITIVE_OF[lesson]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        states: set[str] = set()

        def seen_two_states() -> bool:
            for line in screen_text(app).splitlines():
                if f"{name} ({lesson}_lesson.py:" in line:
                    said = line.split("): ", 1)[1].strip(" │")
                    states.add(re.sub(r"\d+\.\d s", "N s", said))  # times tick: not a change
            return len(states) >= 2

        await wait_for(pilot, seen_two_states, f"{name} in two states")
