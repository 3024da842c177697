"""N spawns what the form says (and nothing while it is invalid); s signals; r restarts."""

from __future__ import annotations

import psutil
import pytest
from textual.widgets import Button, Checkbox, Input, Static

from mproc_tui.catalog import BUILT_INS
from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.core.target_check import check_target
from mproc_tui.ui.screens.children_screen import ChildrenScreen
from mproc_tui.ui.screens.detail_screen import DetailScreen
from mproc_tui.ui.screens.export_screen import ExportScreen
from mproc_tui.ui.screens.quit_screen import QuitScreen
from mproc_tui.ui.screens.signal_screen import SignalScreen
from mproc_tui.ui.screens.spawn_screen import SpawnScreen
from tests.app.helpers import (
    SIZE,
    logged,
    make_app,
    table_rows,
    wait_for,
    wait_rows,
    wait_state,
)
from tests.conftest import TESTS, support_target
from tests.support.scene_records import ENTRIES


def _fill(app: object, **fields: str) -> None:
    screen = app.screen  # type: ignore[attr-defined]
    for field, value in fields.items():
        screen.query_one(f"#{field}", Input).value = value


def _error(app: object) -> str:
    return str(app.screen.query_one("#spawn-error", Static).content)  # type: ignore[attr-defined]


async def test_the_spawn_form_spawns_count_workers_with_name_and_daemon() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        _fill(app, target="sleeper", args="[30]", name="batch", count="3")
        app.screen.query_one("#daemon", Checkbox).value = True
        await pilot.click("#spawn")
        rows = await wait_rows(pilot, app, 3)
        assert [(row["name"], row["daemon"]) for row in rows] == [("batch", "yes")] * 3


async def test_enter_in_the_form_spawns_a_file_target() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        _fill(app, target=support_target("exit_with"), args="[0]")
        app.screen.query_one("#target", Input).focus()
        await pilot.press("enter")
        await wait_rows(pilot, app, 1)
        await wait_state(pilot, app, 0, "exit", "0")


async def test_a_built_in_chosen_from_the_list_then_enter_spawns_it() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        app.screen.query_one("#built-in").focus()
        await pilot.press("enter")  # opens the list
        await pilot.press("down", "enter")  # chooses the first built-in
        await wait_for(
            pilot, lambda: app.screen.query_one("#target", Input).value != "", "the target"
        )
        chosen = app.screen.query_one("#target", Input).value
        await pilot.press("enter")  # and Enter spawns it
        rows = await wait_rows(pilot, app, 1)
        assert chosen in BUILT_INS
        assert rows[0]["state"] in ("running", "sleeping", "exited")


async def test_bad_input_shows_inline_and_spawns_nothing() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        cases = [
            ({"target": "no_such_module_xyz:run"}, "cannot import 'no_such_module_xyz'"),
            ({"target": "mproc_tui.catalog:nope"}, "has no attribute 'nope'"),
            ({"target": "sleeper", "args": "[2"}, "must be a Python literal"),
            ({"target": "sleeper", "args": "{}"}, "args must be a list"),
            ({"target": "sleeper", "kwargs": "[1]"}, "kwargs must be a dict"),
            ({"target": "sleeper", "count": "0"}, "count must be at least 1"),
            ({"target": "", "count": "1"}, "a target is required"),
        ]
        app.screen.query_one("#target", Input).focus()
        for fields, message in cases:
            _fill(app, **{"args": "", "kwargs": "", "count": "1", **fields})
            await pilot.press("enter")  # (a button ignores clicks 0.2 s apart)
            await wait_for(pilot, lambda message=message: message in _error(app), message)
        assert isinstance(app.screen, SpawnScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SpawnScreen), "form closed")
        await pilot.pause(0.3)
        assert table_rows(app) == []
        assert app.supervisor.poll() == []


async def test_signal_menu_stops_and_continues_a_worker() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        rows = await wait_rows(pilot, app, 1)
        await wait_state(pilot, app, 0, "state", "sleeping")
        for name, state in (("STOP", "stopped"), ("CONT", "sleeping")):
            await pilot.press("s")
            await wait_for(pilot, lambda: isinstance(app.screen, SignalScreen), "signal menu")
            option_list = app.screen.query_one("#signals")
            index = [option.id for option in option_list.options].index(f"SIG{name}")  # type: ignore[attr-defined]
            option_list.highlighted = index  # type: ignore[attr-defined]
            await pilot.press("enter")
            await wait_state(pilot, app, 0, "state", state)
        assert psutil.Process(int(rows[0]["pid"])).status() != "stopped"


async def test_signalling_with_children_reaches_them() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:spawn_children")])
        rows = await wait_rows(pilot, app, 1)
        worker = psutil.Process(int(rows[0]["pid"]))
        await wait_for(pilot, lambda: len(worker.children()) == 2, "two children")
        children = worker.children()
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SignalScreen), "signal menu")
        await pilot.press("c")  # children too
        option_list = app.screen.query_one("#signals")
        option_list.highlighted = 4  # type: ignore[attr-defined]  # STOP
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: all(c.status() == "stopped" for c in children), "children stopped"
        )
        await pilot.press("K")


async def test_enter_on_the_daemon_checkbox_spawns_and_space_toggles() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        _fill(app, target="sleeper", args="[30]")
        app.screen.query_one("#daemon", Checkbox).focus()
        await pilot.press("space")
        assert app.screen.query_one("#daemon", Checkbox).value
        await pilot.press("enter")
        rows = await wait_rows(pilot, app, 1)
        assert rows[0]["daemon"] == "yes"


async def test_r_on_a_running_worker_stops_it_first() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        first = (await wait_rows(pilot, app, 1))[0]
        await pilot.press("r")
        rows = await wait_rows(pilot, app, 2)
        await wait_state(pilot, app, 0, "exit", "-15 SIGTERM")
        assert rows[1]["pid"] != first["pid"]
        await wait_state(pilot, app, 1, "state", "sleeping")


async def test_r_restarts_with_the_same_spec_and_keeps_the_old_row() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        first = (await wait_rows(pilot, app, 1))[0]
        await pilot.press("K")
        await wait_state(pilot, app, 0, "exit", "-9 SIGKILL")
        await pilot.press("r")
        rows = await wait_rows(pilot, app, 2)
        assert rows[0]["pid"] == first["pid"] and rows[0]["exit"] == "-9 SIGKILL"
        assert rows[1]["pid"] != first["pid"]
        await wait_state(pilot, app, 1, "state", "sleeping")


async def test_an_import_error_inside_the_worker_shows_in_the_pane() -> None:
    """Past the parent's checks (the file changed since), the child's error still shows."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        target = str(TESTS / "support" / "bad_targets" / "raises_on_import.py") + ":run"
        app.main_screen.spawn_workers([WorkerSpec(target=target)])
        await wait_rows(pilot, app, 1)
        await wait_state(pilot, app, 0, "exit", "1")
        await wait_for(
            pilot, lambda: logged(app, "RuntimeError: this module refuses"), "the traceback"
        )
        assert logged(app, "Traceback (most recent call last):")


SMALL_DIALOGS = {
    "quit": lambda: QuitScreen(2, 3.0, "lesson.py", daemons_stopped=1),
    "children": lambda: ChildrenScreen("Terminate", "Process-1", [(4301, "python3")] * 3),
    "signal": lambda: SignalScreen("renamed worker"),
    "spawn": lambda: SpawnScreen("forkserver", check_target),
    "export": lambda: ExportScreen("mproc-tui-logs-20261129-120000", 42),
    "detail": lambda: DetailScreen(ENTRIES[0]),
}


@pytest.mark.parametrize("dialog", SMALL_DIALOGS)
async def test_every_way_out_of_a_dialog_is_on_a_40x12_screen(dialog: str) -> None:
    """Its buttons, where it has any (Esc and a click outside close every dialog)."""
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        shown = SMALL_DIALOGS[dialog]()
        app.push_screen(shown)
        await wait_for(pilot, lambda: app.screen is shown, "the dialog")
        await pilot.pause()
        screen = app.screen.region
        off = [button.id for button in app.screen.query(Button) if not screen.contains_region(
            button.region
        )]  # fmt: skip
        assert off == [], f"buttons off a 40x12 screen: {off}"
