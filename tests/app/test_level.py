"""v on a running worker: choose its log level; the table shows it, its records obey it."""

from __future__ import annotations

import re

from textual.widgets import Select

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.screens.level_screen import LevelScreen
from mproc_tui.ui.screens.spawn_screen import SpawnScreen
from tests.app.helpers import (
    SIZE,
    log_lines,
    logged,
    make_app,
    table_rows,
    toasts,
    wait_for,
    wait_rows,
    wait_state,
)
from tests.conftest import support_target


def ticks(app: MprocApp, kind: str) -> list[int]:
    """The numbers of the worker's ``debug N`` or ``info N`` records in the log pane."""
    found = (re.search(rf": {kind} (\d+)$", line) for line in log_lines(app))
    return [int(match.group(1)) for match in found if match]


async def test_v_sets_a_running_workers_level_and_its_next_records_obey() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target=support_target("ticks"))])
        await wait_for(pilot, lambda: len(ticks(app, "debug")) >= 3, "debug records")
        await wait_state(pilot, app, 0, "level", "DEBUG")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, LevelScreen), "the level dialog")
        levels = app.screen.query_one("#levels")
        assert levels.highlighted == 0  # type: ignore[attr-defined]  # the current: DEBUG
        await pilot.press("down", "enter")  # INFO
        await wait_for(pilot, lambda: not isinstance(app.screen, LevelScreen), "dialog closed")
        await wait_for(pilot, lambda: any("from INFO up" in t for t in toasts(app)), "the toast")
        await wait_state(pilot, app, 0, "level", "INFO")
        await wait_for(
            pilot,
            lambda: max(ticks(app, "info")) > max(ticks(app, "debug")) + 20,
            "20 INFO records without a DEBUG one",
        )
        debug = ticks(app, "debug")
        assert debug == list(range(1, len(debug) + 1))  # none lost before the switch


async def test_v_on_an_ended_worker_says_so() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(0,))])
        await wait_for(pilot, lambda: logged(app, ": end"), "the worker's end")
        await wait_for(pilot, lambda: not app.supervisor.status(1).alive, "the worker reaped")
        await pilot.press("v")
        await wait_for(pilot, lambda: any("has ended" in t for t in toasts(app)), "the message")
        assert not isinstance(app.screen, LevelScreen)


async def test_the_spawn_form_starts_a_worker_at_the_level_chosen() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        app.screen.query_one("#target").value = support_target("ticks")  # type: ignore[attr-defined]
        app.screen.query_one("#level", Select).focus()
        await pilot.press("enter")  # opens the list
        await pilot.press("down", "down", "enter")  # DEBUG, then INFO
        await wait_for(
            pilot, lambda: app.screen.query_one("#level", Select).value == "INFO", "INFO chosen"
        )
        await pilot.click("#spawn")
        await wait_rows(pilot, app, 1)
        await wait_for(pilot, lambda: len(ticks(app, "info")) >= 5, "info records")
        assert ticks(app, "debug") == []
        assert table_rows(app)[0]["level"] == "INFO"
