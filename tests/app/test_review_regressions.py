"""App-level bugs found in review, each with the test that proves its fix."""

from __future__ import annotations

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.screens.quit_screen import QuitScreen
from tests.app.helpers import (
    SIZE,
    log_lines,
    logged,
    make_app,
    open_quit_dialog,
    screen_text,
    table_rows,
    wait_for,
    wait_rows,
    wait_state,
)
from tests.conftest import support_target


async def test_terminating_a_fork_worker_leaves_the_app_running() -> None:
    """The terminal version of this bug is in test_exit_paths (headless has no handlers)."""
    app = make_app(start_method="fork")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        await wait_rows(pilot, app, 2)
        await pilot.press("k")
        await wait_state(pilot, app, 0, "exit", "-15 SIGTERM")
        await pilot.pause(0.3)
        assert app.is_running
        assert table_rows(app)[1]["state"] in ("sleeping", "running")


async def test_many_joins_never_starve_spawning() -> None:
    """Each join once held a pool thread: with enough of them, n did nothing."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"nnnnnnnn")
        await wait_rows(pilot, app, 8)
        await pilot.press("J")
        await wait_state(pilot, app, 7, "state", "joining")
        await pilot.press("n")
        await wait_rows(pilot, app, 9)


async def test_an_empty_message_with_a_traceback_is_shown() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.spawn_workers([WorkerSpec(target=support_target("empty_exception"))])
        await wait_for(
            pilot, lambda: logged(app, "ValueError: inside an empty-message record"), "traceback"
        )
        await pilot.pause(0.2)  # drawn
        assert "ValueError: inside an empty-message record" in screen_text(app)
        assert app.is_running


async def test_level_names_and_odd_fields_are_shown_safely() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.spawn_workers(
            [
                WorkerSpec(target=support_target("evil_level_name")),
                WorkerSpec(target=support_target("relayed_record")),
            ]
        )
        await wait_for(pilot, lambda: logged(app, "after the evil level name"), "the evil level")
        await wait_for(pilot, lambda: logged(app, ": relayed"), "the relayed record")
        lines = log_lines(app)
        evil = next(line for line in lines if "after the evil level name" in line)
        assert "\\x1b[2J" in evil and "\x1b" not in evil
        relayed = next(line for line in lines if ": relayed" in line)
        assert relayed.startswith("??:??:??.???")
        await pilot.pause(0.2)
        assert app.is_running


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
