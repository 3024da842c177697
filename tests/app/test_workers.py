"""The real app, driven with the Pilot: keys in, table rows, log lines and psutil out."""

from __future__ import annotations

import os
import re

import psutil
from textual.binding import Binding

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.screens.help_screen import HelpScreen
from mproc_tui.ui.widgets.log_pane import LogPane
from mproc_tui.ui.widgets.search_box import SearchBox
from tests.app.helpers import (
    SIZE,
    gone,
    log_lines,
    logged,
    make_app,
    screen_text,
    table_rows,
    toasts,
    wait_for,
    wait_rows,
    wait_state,
)
from tests.conftest import support_target


def _descendants() -> set[int]:
    return {child.pid for child in psutil.Process().children(recursive=True)}


async def test_n_n_d_spawn_three_workers_that_psutil_sees() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.query_one("#empty-hint").display
        await pilot.press("n", "n", "d")
        rows = await wait_rows(pilot, app, 3)
        assert [row["daemon"] for row in rows] == ["no", "no", "yes"]
        assert all(re.fullmatch(r"Process-\d+", row["name"]) for row in rows)
        pids = [int(row["pid"]) for row in rows]
        assert set(pids) <= _descendants()
        assert not app.query_one("#empty-hint").display
        await wait_for(
            pilot, lambda: all(logged(app, f"{r['name']}: start") for r in rows), "starts"
        )
        await wait_state(pilot, app, 0, "state", "sleeping")
    assert all(gone(pid) for pid in pids), "workers outlived the app"


async def test_k_terminates_and_shift_k_kills_the_selected_worker() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        rows = await wait_rows(pilot, app, 2)
        await pilot.press("k")
        await wait_state(pilot, app, 0, "exit", "-15 SIGTERM")
        assert table_rows(app)[0]["state"] == "killed"
        await pilot.press("down", "K")
        await wait_state(pilot, app, 1, "exit", "-9 SIGKILL")
        assert all(gone(int(row["pid"])) for row in rows)


async def test_signalling_an_exited_worker_says_so() -> None:
    app = make_app(sleep=0)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("n")
        await wait_rows(pilot, app, 1)
        await wait_state(pilot, app, 0, "state", "exited")
        await pilot.press("K")
        await wait_for(
            pilot,
            lambda: any("already exited" in toast for toast in toasts(app)),
            "a notification",
        )
        assert app.is_running


async def test_join_shows_joining_then_joined_while_keys_still_work() -> None:
    app = make_app(sleep=2.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await wait_rows(pilot, app, 1)
        await pilot.press("j")
        await wait_state(pilot, app, 0, "state", "joining")
        await pilot.press("n")  # the UI answers while the join waits
        await wait_rows(pilot, app, 2)
        assert table_rows(app)[0]["state"] == "joining"
        await wait_state(pilot, app, 0, "state", "joined")
        assert table_rows(app)[0]["exit"] == "0"
        assert logged(app, f"{table_rows(app)[0]['name']}: end")


async def test_shift_j_joins_all_and_c_clears_finished() -> None:
    app = make_app(sleep=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "d")
        await wait_rows(pilot, app, 2)
        await pilot.press("J")
        await wait_state(pilot, app, 0, "state", "joined")
        await wait_state(pilot, app, 1, "state", "joined")
        app.options = app.options.__class__(**{**app.options.__dict__, "sleep": 30.0})
        await pilot.press("n")
        await wait_rows(pilot, app, 3)
        await pilot.press("c")
        await wait_rows(pilot, app, 1)
        assert table_rows(app)[0]["state"] in ("sleeping", "running")


async def test_selection_survives_refreshes() -> None:
    app = make_app(refresh=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "n")
        rows = await wait_rows(pilot, app, 3)
        await pilot.press("down", "down")
        await pilot.pause(0.6)  # several refreshes
        table = app.query_one("#workers")
        assert table.cursor_row == 2  # type: ignore[attr-defined]
        await pilot.press("k")
        await wait_state(pilot, app, 2, "exit", "-15 SIGTERM")
        assert table_rows(app)[0]["pid"] == rows[0]["pid"]
        assert table_rows(app)[0]["state"] != "killed"


async def test_log_text_is_shown_literally_and_never_acts() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target=support_target("hostile"), args=(30,))])
        await wait_for(
            pilot, lambda: any(line.endswith(": [/]") for line in log_lines(app)), "the records"
        )
        lines = log_lines(app)
        assert any(line.endswith(": [@click=app.quit]x[/]") for line in lines)
        assert any(line.endswith(": [bold]not bold[/bold]") for line in lines)
        assert any(line.endswith(": \\x1b[2J\\x1b[Hcleared?") for line in lines)
        assert all("\x1b" not in line and "\x07" not in line for line in lines)
        shown = screen_text(app)
        assert "[@click=app.quit]x[/]" in shown
        assert "\\x1b[2J\\x1b[Hcleared?" in shown
        # Click the line that carries the markup: nothing may act on it.
        index = next(i for i, line in enumerate(lines) if "@click" in line)
        log_pane = app.query_one("#logs")
        await pilot.click(log_pane, offset=(40, index + 1))
        await pilot.pause(0.2)
        assert app.is_running


async def test_a_crash_shows_its_traceback_and_exit_code_one() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:crasher", args=(0,))])
        await wait_rows(pilot, app, 1)
        await wait_state(pilot, app, 0, "exit", "1")
        await wait_for(
            pilot,
            lambda: logged(app, "RuntimeError: crasher worker failed on purpose"),
            "the traceback",
        )
        assert logged(app, "Traceback (most recent call last):")


async def test_printed_output_lands_in_the_log_pane() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [WorkerSpec(target=support_target("write_output"), args=(1,))]
        )
        await wait_for(pilot, lambda: logged(app, "[stdout]: printed 0"), "printed output")
        await wait_for(pilot, lambda: logged(app, "[stderr]: to stderr"), "stderr output")


async def test_demo_replays_the_lesson() -> None:
    app = make_app(demo=True, sleep=0.5)
    async with app.run_test(size=SIZE) as pilot:
        rows = await wait_rows(pilot, app, 2)
        assert rows[1]["name"] == "renamed worker"
        assert [row["daemon"] for row in rows] == ["yes", "no"]
        first = rows[0]["name"]
        await wait_for(pilot, lambda: logged(app, "renamed worker: end"), "the lesson's end")
        await wait_for(pilot, lambda: logged(app, f"{first}: end"), "the lesson's end")
        # "12:00:00.000 DEBUG    Process-1: start" -> "Process-1: start"
        messages = [line.split(None, 2)[2] for line in log_lines(app)]
        assert messages.index(f"{first}: start") < messages.index(f"{first}: end")
        assert messages.index("renamed worker: start") < messages.index("renamed worker: end")


async def test_question_mark_lists_every_key_by_area() -> None:
    app = make_app()
    async with app.run_test(size=(160, 120)) as pilot:  # tall enough to show it all
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        help_text = screen_text(app)
        for title in ("Workers", "Table", "Logs", "App", "In the log pane", "In the search box"):
            assert title in help_text
        for binding in [*app.BINDINGS, *LogPane.BINDINGS, *SearchBox.BINDINGS]:
            assert isinstance(binding, Binding)
            explanation = binding.tooltip or ""
            for area in ("Log pane: ", "Table: "):
                explanation = explanation.removeprefix(area)
            assert explanation[1:24] in help_text, binding  # long ones wrap
        for keys in ("<", ">", "Shift+F3", "Page Up", "Enter, ↓"):
            assert keys in help_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), "help to close")


async def test_workers_are_descendants_of_this_process() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        rows = await wait_rows(pilot, app, 1)
        assert int(rows[0]["pid"]) in _descendants()
        assert os.getpid() != int(rows[0]["pid"])


async def test_the_footer_keeps_help_and_quit_at_80_columns() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "palette" in screen_text(app).splitlines()[-1], "the footer")
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "q Quit" in footer, footer


async def test_theme_and_split_are_remembered_between_runs() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.worker_table
        await wait_for(pilot, lambda: table.size.height > 0, "the table drawn")
        before = table.size.height
        await pilot.press("plus", "plus")
        await wait_for(pilot, lambda: table.size.height > before, "a taller table")
        app.theme = "nord"
        await wait_for(pilot, lambda: app.settings.theme == "nord", "the theme saved")
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: again.theme == "nord", "the saved theme")
        assert again.settings.table_share == 6
        table = again.main_screen.worker_table
        await wait_for(pilot, lambda: table.size.height > before, "the saved split")
        await pilot.press("minus", "minus", "minus")
    assert make_app().settings.table_share == 3


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
