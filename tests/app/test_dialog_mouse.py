"""Dialogs by mouse: every button does what its key does, and a click outside closes.

(The spawn form's buttons, the export buttons and the quit dialog's Terminate have
tests of their own in test_dialogs, test_log_pane and test_quit.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import psutil
import pytest
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import OptionList

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.screens.children_screen import ChildrenScreen
from mproc_tui.ui.screens.detail_screen import DetailScreen
from mproc_tui.ui.screens.export_screen import ExportScreen
from mproc_tui.ui.screens.help_screen import HelpScreen
from mproc_tui.ui.screens.quit_screen import QuitScreen
from mproc_tui.ui.screens.signal_screen import SignalScreen
from mproc_tui.ui.screens.spawn_screen import SpawnScreen
from tests.app.helpers import SIZE, gone, make_app, table_rows, wait_for, wait_rows
from tests.support.scene_records import ENTRIES

Open = Callable[[Pilot[None], MprocApp], Awaitable[None]]


async def a_worker_then(pilot: Pilot[None], app: MprocApp, key: str) -> None:
    app.main_screen.spawn_workers([WorkerSpec(args=(60,))])
    await wait_rows(pilot, app, 1)
    await pilot.press(key)


async def a_parent_worker_then_k(pilot: Pilot[None], app: MprocApp) -> None:
    app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:spawn_children")])
    await wait_rows(pilot, app, 1)
    await wait_for(pilot, lambda: table_rows(app)[0]["children"] == "2", "2 children")
    await pilot.press("k")


async def records_then(pilot: Pilot[None], app: MprocApp, key: str) -> None:
    app.main_screen.log_view.pane.add_entries(ENTRIES)
    await pilot.pause()
    if key == "enter":
        app.main_screen.log_view.pane.focus()
    await pilot.press(key)


DIALOGS: dict[str, tuple[type[ModalScreen[object]], Open]] = {
    "help": (HelpScreen, lambda pilot, app: pilot.press("question_mark")),
    "detail": (DetailScreen, lambda pilot, app: records_then(pilot, app, "enter")),
    "export": (ExportScreen, lambda pilot, app: records_then(pilot, app, "e")),
    "signal": (SignalScreen, lambda pilot, app: a_worker_then(pilot, app, "s")),
    "quit": (QuitScreen, lambda pilot, app: a_worker_then(pilot, app, "q")),
    "children": (ChildrenScreen, a_parent_worker_then_k),
}


async def open_dialog(pilot: Pilot[None], app: MprocApp, name: str) -> None:
    screen_type, opener = DIALOGS[name]
    await opener(pilot, app)
    await wait_for(pilot, lambda: isinstance(app.screen, screen_type), f"the {name} dialog")
    await pilot.pause()


@pytest.mark.parametrize("name", DIALOGS)
async def test_a_click_outside_the_dialog_closes_it_as_esc_does(name: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot, app, name)
        dialog = app.screen
        await pilot.click(offset=(1, 1))  # the top-left corner: backdrop in every dialog
        await wait_for(pilot, lambda: app.screen is not dialog, "the dialog to close")
        assert not isinstance(app.screen, ModalScreen)
        assert all(row["exit"] == "" for row in table_rows(app)), "closing acted"
        if name == "quit":  # cancelled: q asks again
            await pilot.press("q")
            await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), "the dialog again")


async def test_a_click_inside_a_dialog_keeps_it_open() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot, app, "help")
        await pilot.click("#help-title")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)


async def test_the_spawn_form_is_not_closed_by_a_stray_click() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        await pilot.click(offset=(1, 1))
        await pilot.pause(0.2)
        assert isinstance(app.screen, SpawnScreen)


async def test_clicking_a_signal_sends_it() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot, app, "signal")
        signals = app.screen.query_one(OptionList)
        await pilot.click(signals, offset=(4, 2))  # border, SIGTERM, then SIGKILL
        await wait_for(pilot, lambda: table_rows(app)[0]["exit"] == "-9 SIGKILL", "SIGKILL")


@pytest.mark.parametrize(("button", "children_left"), [("#with-children", 0), ("#worker-only", 2)])
async def test_the_children_dialog_buttons(button: str, children_left: int) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot, app, "children")
        worker = psutil.Process(int(table_rows(app)[0]["pid"]))
        children = worker.children()
        await pilot.click(button)
        await wait_for(pilot, lambda: table_rows(app)[0]["exit"] == "-15 SIGTERM", "SIGTERM")
        await wait_for(
            pilot,
            lambda: sum(not gone(child.pid) for child in children) == children_left,
            f"{children_left} children left",
        )


async def test_the_quit_dialog_wait_button_joins_then_exits() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(1.0,))])
        rows = await wait_rows(pilot, app, 1)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), "the quit dialog")
        await pilot.click("#wait")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit after the join")
    assert gone(int(rows[0]["pid"]))
    assert app.supervisor.status(1).exit_code == 0  # it finished; nobody terminated it
