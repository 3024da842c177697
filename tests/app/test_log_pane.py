"""The log pane keeps a bounded buffer and follows new lines."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.screens.detail_screen import DetailScreen
from mproc_tui.ui.screens.export_screen import ExportScreen
from mproc_tui.ui.widgets.log_pane import LogPane
from tests.app.helpers import (
    SIZE,
    log_lines,
    log_pane,
    logged,
    make_app,
    screen_text,
    start_flood,
    table_rows,
    toasts,
    wait_for,
    wait_rows,
)
from tests.conftest import support_target


async def test_buffer_is_bounded_and_the_pane_follows_the_newest_line() -> None:
    app = make_app(max_log_lines=50)
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [
                WorkerSpec(
                    target="mproc_tui.catalog:flood", kwargs={"count": 500, "message_size": 20}
                )
            ]
        )
        await wait_for(
            pilot, lambda: any(": record 500 " in line for line in log_lines(app)), "record 500"
        )
        lines = log_lines(app)
        assert len(lines) == 50
        assert ": record 451 " in lines[0]
        pane = app.query_one(LogPane)
        await wait_for(pilot, lambda: pane.is_vertical_scroll_end, "the pane to show the newest")
        assert pane.scroll_y > 0


async def test_scrolling_up_pauses_counts_new_lines_and_f_resumes() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = start_flood(app, records_per_second=200)
        await wait_for(pilot, lambda: pane.line_count > 100, "a screenful of lines")
        await pilot.click(pane)  # the reader takes the pane and goes to the top
        await pilot.press("home")
        await wait_for(pilot, lambda: pane.unseen > 20, "new lines counted while paused")
        assert "paused" in str(pane.border_title)
        top = pane.scroll_y
        await pilot.pause(0.3)
        assert pane.scroll_y == top  # paused: the reader's place is kept
        await pilot.press("f")
        await wait_for(pilot, lambda: pane.is_vertical_scroll_end, "following again")
        assert pane.unseen == 0 and pane.border_title == "Logs"
        # It keeps following: lines keep coming, and the pane keeps reaching the end
        # (a pane that had stopped following would never get there again).
        count = pane.line_count
        await wait_for(pilot, lambda: pane.line_count > count + 20, "more lines")
        await wait_for(pilot, lambda: pane.is_vertical_scroll_end, "the newest line again")
        assert pane.unseen == 0
        # Page Up pauses too, and End (in the pane) resumes.
        await pilot.press("pageup")
        await wait_for(pilot, lambda: pane.unseen > 0, "paused by Page Up")
        await pilot.press("end")
        await wait_for(pilot, lambda: pane.unseen == 0 and pane.is_vertical_scroll_end, "End")


async def test_level_keys_and_l_filter_the_pane_and_say_so_in_its_title() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [
                WorkerSpec(target="mproc_tui.catalog:sleeper", args=(30,)),  # DEBUG start
                WorkerSpec(target="mproc_tui.catalog:crasher", args=(0.2,)),  # INFO, ERROR
            ]
        )
        pane = app.query_one(LogPane)
        await wait_for(pilot, lambda: any("uncaught" in line for line in pane.lines), "crash")
        await pilot.press("4")  # ERROR and above
        await wait_for(pilot, lambda: "level ≥ ERROR" in str(pane.border_title), "the title")
        assert pane.lines and all(" ERROR " in line or line.startswith(" ") for line in pane.lines)
        await pilot.press("1")  # everything again
        await wait_for(pilot, lambda: any(" DEBUG " in line for line in pane.lines), "DEBUG")
        assert str(pane.border_title) == "Logs"

        await wait_rows(pilot, app, 2)  # the first row (the sleeper) is selected
        sleeper = table_rows(app)[0]["name"]
        await pilot.press("l")
        await wait_for(pilot, lambda: f"{sleeper} only" in str(pane.border_title), "title")
        assert pane.lines and all(f"{sleeper}: " in line for line in pane.lines)
        await pilot.press("l")
        await wait_for(pilot, lambda: str(pane.border_title) == "Logs", "no filter")
        assert any("crasher" in line or "crashing" in line for line in pane.lines)


async def test_e_exports_what_the_pane_shows_in_both_forms(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:crasher", args=(0,))])
        pane = app.query_one(LogPane)
        await wait_for(pilot, lambda: any("uncaught" in line for line in pane.lines), "crash")
        await pilot.press("4")  # ERROR and above: the INFO line is not exported
        for button, name in (("#json", "out.jsonl"), ("#text", "out.log")):
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), "export form")
            app.screen.query_one("#export-path", Input).value = str(tmp_path / name)
            await pilot.click(button)
            target = tmp_path / name
            await wait_for(pilot, lambda target=target: target.exists(), f"{name} written")
        await wait_for(
            pilot,
            lambda: any("Exported 1 record to" in toast for toast in toasts(app)),
            "where it was written",
        )
        records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
        assert [record["level"] for record in records] == ["ERROR"]
        assert "RuntimeError: crasher worker failed on purpose" in records[0]["traceback"]
        text = (tmp_path / "out.log").read_text()
        assert "ERROR" in text and "crashing in" not in text


async def test_enter_on_a_line_shows_every_field_and_the_traceback() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:crasher", args=(0,))])
        pane = app.query_one(LogPane)
        await wait_for(pilot, lambda: any("uncaught" in line for line in pane.lines), "crash")
        # Click only once nothing more can arrive and the pane is at its end: one CI run
        # clicked while the pane still moved and chose the line below.
        await wait_for(
            pilot,
            lambda: (
                [row["exit"] for row in table_rows(app)] == ["1"] and pane.is_vertical_scroll_end
            ),
            "the crasher's exit, the pane at its end",
        )
        index = next(i for i, line in enumerate(pane.lines) if "uncaught" in line)
        await pilot.click(pane, offset=(10, 1 + index - int(pane.scroll_y)))  # 1: the border
        assert pane.cursor == index
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail panel")
        shown = screen_text(app)
        for text in ("ERROR (40)", "logger", "mproc_tui", "pid", "MainThread", "function"):
            assert text in shown
        assert "RuntimeError: crasher worker failed on purpose" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen), "closed")
        pane.focus()
        await pilot.press("up")
        assert pane.cursor == index - 1


async def test_w_wraps_long_lines_to_the_pane_and_back() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        long_message = "begin " + "-" * 400 + " LONG-LINE-END"
        say = WorkerSpec(target=support_target("say"), args=(long_message, "short one"))
        app.main_screen.spawn_workers([say])
        pane = app.query_one(LogPane)
        await wait_for(pilot, lambda: "short one" in screen_text(app), "both lines drawn")
        assert "LONG-LINE-END" not in screen_text(app)  # off to the right
        await pilot.press("w")
        await wait_for(pilot, lambda: "LONG-LINE-END" in screen_text(app), "the end, wrapped")
        assert "wrapped" in str(pane.border_title)
        assert pane.buffer.row_count > pane.line_count  # the long line takes several rows
        shown = screen_text(app)
        assert "begin ---" in shown and "short one" in shown
        # Clicking a continuation row chooses the long line, not the one after it.
        await pilot.click(pane, offset=(30, 2))
        assert pane.cursor == 0
        await pilot.press("w")
        await wait_for(pilot, lambda: "LONG-LINE-END" not in screen_text(app), "unwrapped")
        assert pane.buffer.row_count == pane.line_count == 2
        assert "wrapped" not in str(pane.border_title)


async def test_filters_and_search_combine_and_the_title_names_them_all() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [
                WorkerSpec(target="mproc_tui.catalog:crasher", args=(0.3,)),
                WorkerSpec(target="mproc_tui.catalog:crasher", args=(0.3,), name="other"),
            ]
        )
        pane = app.query_one(LogPane)
        await wait_for(
            pilot, lambda: sum("uncaught" in line for line in pane.lines) == 2, "two crashes"
        )
        rows = await wait_rows(pilot, app, 2)
        first = rows[0]["name"]
        await pilot.press("4", "l", "slash", *"RuntimeError", "enter")
        title = str(pane.border_title)
        assert all(part in title for part in ("level ≥ ERROR", f"{first} only", "RuntimeError"))
        # Only the first worker's ERROR record (and its traceback) is left to search.
        assert pane.lines and all("other" not in line for line in pane.lines)
        assert not any(" INFO " in line for line in pane.lines)
        assert pane.cursor is not None and "RuntimeError" in pane.lines[pane.cursor]
        matches = [i for i, line in enumerate(pane.lines) if "runtimeerror" in line.casefold()]
        await pilot.press("enter")  # next match wraps around within the filtered lines
        assert pane.cursor in matches
        await pilot.press("escape", "1", "l")
        await wait_for(pilot, lambda: str(pane.border_title) == "Logs", "no filter, no search")
        assert any("other" in line for line in pane.lines)


async def test_a_reader_scrolled_up_keeps_their_lines_while_old_ones_drop_off() -> None:
    app = make_app(max_log_lines=400)
    async with app.run_test(size=SIZE) as pilot:
        pane = start_flood(app, records_per_second=100)
        await wait_for(pilot, lambda: pane.line_count == 400, "a full buffer")
        pane.scroll_to(
            y=300,  # 300 lines from the front: 3 s before it drops off
            animate=False,
            immediate=True,
        )
        await wait_for(pilot, lambda: not pane.following, "the reader scrolled up")
        reading = pane.lines[int(pane.scroll_y)]
        await wait_for(pilot, lambda: pane.unseen > 30, "lines arriving while paused")
        assert pane.lines[int(pane.scroll_y)] == reading  # the same line is still on top
        await wait_for(pilot, lambda: reading.split(": ", 1)[1] in screen_text(app), "it drawn")


async def test_following_survives_the_pane_getting_shorter() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = start_flood(app, records_per_second=300)
        await wait_for(pilot, lambda: pane.line_count > 200, "a few screenfuls")
        await pilot.press("slash")  # the search box takes rows from the pane
        await pilot.resize_terminal(120, 30)  # and the window shrinks
        count = pane.line_count
        await wait_for(pilot, lambda: pane.line_count > count + 50, "more lines")
        await wait_for(pilot, lambda: pane.is_vertical_scroll_end, "the newest line")
        assert pane.unseen == 0 and "paused" not in str(pane.border_title)


async def test_the_detail_panel_shows_a_long_message_whole() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        long_message = "start-" + "x" * 300 + "-THE-END"
        app.main_screen.spawn_workers(
            [WorkerSpec(target=support_target("say"), args=(long_message,))]
        )
        pane = app.query_one(LogPane)
        await wait_for(pilot, lambda: pane.line_count == 1, "the line")
        pane.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail panel")
        shown = screen_text(app)
        assert "-THE-END" in shown and "…" not in shown


async def test_a_level_key_pressed_again_returns_to_the_newest_line() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = start_flood(app, count=300)
        await wait_for(pilot, lambda: pane.line_count == 300, "300 lines")
        await pilot.press("3")  # WARNING and above: none of the flood's INFO lines
        await pilot.press("1")  # everything again, following
        await wait_for(pilot, lambda: pane.line_count == 300 and pane.following, "all lines")
        pane.action_scroll_home()
        await wait_for(pilot, lambda: not pane.following, "the reader scrolled up")
        await pilot.press("1")  # the same filter again: applied anew, as before the split
        await wait_for(pilot, lambda: pane.following and pane.is_vertical_scroll_end, "the end")


async def test_l_right_after_an_arrow_filters_by_the_newly_selected_worker() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [WorkerSpec(args=(60,), name="first"), WorkerSpec(args=(60,), name="second")]
        )
        await wait_rows(pilot, app, 2)
        await pilot.press("down", "l")  # in one go: no time for a message in between
        view = app.main_screen.log_view
        await wait_for(pilot, lambda: view.log_filter.workers is not None, "a worker filter")
        assert view.log_filter.workers_label == "second"
        assert "second only" in str(view.pane.border_title)


async def test_scrollbars_come_with_the_lines_that_need_them_and_track_growth() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = log_pane(app)
        start_flood(app, count=5)
        await wait_for(pilot, lambda: logged(app, ": record 5 "), "record 5")
        assert not pane.show_vertical_scrollbar  # five lines fit
        start_flood(app, count=300)
        await wait_for(pilot, lambda: logged(app, ": record 300 "), "record 300")
        await wait_for(
            pilot,
            lambda: (
                pane.show_vertical_scrollbar
                and pane.vertical_scrollbar.window_virtual_size == len(log_lines(app))
                and pane.is_vertical_scroll_end
            ),
            "a vertical scrollbar as long as the lines, at their end",
        )
        assert not pane.show_horizontal_scrollbar
        start_flood(app, count=1, message_size=400)  # wider than the pane
        await wait_for(
            pilot,
            lambda: (
                pane.show_horizontal_scrollbar
                and pane.horizontal_scrollbar.window_virtual_size == pane.virtual_size.width
                and pane.is_vertical_scroll_end
            ),
            "a horizontal scrollbar for the long line, still following",
        )
        # (its name is Process-N with N counted across the test run: not part of the check)
        long_line = ": record 1 " + "x" * 40
        await wait_for(pilot, lambda: long_line in screen_text(app), "the long line on screen")
