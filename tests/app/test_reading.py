"""Reading and using the log pane: copy, mouse selection, logger names, filters, marks."""

from __future__ import annotations

import logging

from textual.widgets import Input

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.core.text import format_log_lines
from mproc_tui.ui.widgets.log_pane import LogPane
from mproc_tui.ui.widgets.search_box import SearchBox
from tests.app.helpers import SIZE, log_lines, log_pane, make_app, toasts, wait_rows, wait_toast
from tests.conftest import support_target
from tests.support.scene_records import ENTRIES, TRACEBACK, entry
from tests.support.waiting import wait_for

SAY = support_target("say")
SAY_AS = support_target("say_as")


async def test_y_copies_the_newest_line_and_Y_the_whole_record() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        failed = entry(0.75, logging.ERROR, "Process-1", "report failed", TRACEBACK)
        log_pane(app).add_entries([ENTRIES[0], failed])
        await pilot.pause()
        await pilot.press("y")
        first_line = format_log_lines(failed)[0]
        await wait_for(pilot, lambda: app.clipboard == first_line, "the newest record's line")
        await wait_toast(pilot, app, "Copied 1 line")
        await pilot.press("Y")
        whole = "\n".join(format_log_lines(failed))
        await wait_for(pilot, lambda: app.clipboard == whole, "the record with its traceback")
        assert app.clipboard.endswith("KeyError: 'amount'")
        await wait_toast(pilot, app, "Copied 7 lines")


async def test_y_copies_the_line_chosen_by_a_click() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        log_pane(app).add_entries(ENTRIES[:4])
        await pilot.pause()
        await pilot.click(LogPane, offset=(5, 3))  # the third line (below the border)
        await wait_for(pilot, lambda: log_pane(app).cursor == 2, "the third line chosen")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard == log_lines(app)[2], "the chosen line copied")
        assert app.clipboard.endswith("Process-1: reading 1,204 rows from orders.csv")


async def test_nothing_to_copy_says_so() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await wait_toast(pilot, app, "Nothing to copy")
        assert app.clipboard == ""


async def test_text_selected_with_the_mouse_is_copied() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        log_pane(app).add_entries(ENTRIES[:3])
        await pilot.pause()
        lines = log_lines(app)
        # From the first line's 22nd character to the second line's 30th (inside the border).
        await pilot.mouse_down(LogPane, offset=(1 + 22, 1))
        await pilot.hover(LogPane, offset=(1 + 30, 2))
        await pilot.mouse_up(LogPane, offset=(1 + 30, 2))
        expected = lines[0][22:] + "\n" + lines[1][:31]  # the cell under the pointer too
        await wait_for(pilot, lambda: app.screen.get_selected_text() == expected, "the selection")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard == expected, "the selection copied by y")
        app.copy_to_clipboard("")
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: app.clipboard == expected, "the selection copied by Ctrl+C")


async def test_logger_names_show_by_default_and_g_hides_them() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [
                WorkerSpec(target=SAY_AS, args=("shop.orders", "order 7 paid")),
                WorkerSpec(target=SAY, args=("plain root record",)),
            ]
        )
        await wait_for(
            pilot,
            lambda: (
                any(line.endswith("[shop.orders]: order 7 paid") for line in log_lines(app))
                and any(line.endswith(": plain root record") for line in log_lines(app))
            ),
            "both records, the first naming its logger",
        )
        assert not any("[root]" in line for line in log_lines(app))
        await pilot.press("g")
        await wait_for(
            pilot,
            lambda: any(
                line.endswith(": order 7 paid") and "[" not in line for line in log_lines(app)
            ),
            "the logger's name hidden",
        )
        await wait_toast(pilot, app, "Logger names hidden")


async def test_L_shows_the_chosen_lines_logger_and_its_children_only() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        log_pane(app).add_entries(
            [
                entry(0.0, logging.INFO, "Process-1", "paid", logger="shop"),
                entry(0.1, logging.INFO, "Process-1", "saved", logger="shop.db"),
                entry(0.2, logging.INFO, "Process-1", "hello", logger="root"),
                entry(0.3, logging.INFO, "Process-1", "shipped", logger="shop"),
            ]
        )
        await pilot.pause()
        await pilot.press("L")  # the newest line's logger: shop
        pane = log_pane(app)
        await wait_for(pilot, lambda: len(pane.lines) == 3, "the shop loggers' lines")
        assert "logger shop" in str(pane.border_title)
        await pilot.press("L")
        await wait_for(pilot, lambda: len(pane.lines) == 4, "every line again")


async def open_search(pilot, app) -> SearchBox:  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    box = app.main_screen.log_view.search_box
    await wait_for(pilot, lambda: app.focused is box, "the search box")
    return box


async def test_an_exclamation_mark_hides_lines_and_stays_after_esc() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        log_pane(app).add_entries(ENTRIES[:4])
        await pilot.pause()
        await open_search(pilot, app)
        await pilot.press(*"!start")
        pane = log_pane(app)
        await wait_for(pilot, lambda: len(pane.lines) == 2, "the start lines hidden")
        assert not any("start" in line for line in pane.lines)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.main_screen.log_view.searching, "the box closed")
        assert len(pane.lines) == 2 and "hiding 'start'" in str(pane.border_title)
        box = await open_search(pilot, app)
        assert box.value == "!start"  # to change or undo
        box.value = ""
        await wait_for(pilot, lambda: len(pane.lines) == 4, "every line again")


async def test_a_regular_expression_counts_its_matches_and_a_bad_one_says_why() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        log_pane(app).add_entries(ENTRIES)
        await pilot.pause()
        box = await open_search(pilot, app)
        await pilot.press("ctrl+r")
        await pilot.press(*"(start|end")
        await wait_for(pilot, lambda: box.has_class("-bad-pattern"), "the pattern said bad")
        assert "bad pattern: missing )" in str(box.border_subtitle)
        assert "regex" in str(box.border_title)
        await pilot.press(")", "$")
        pane = log_pane(app)
        await wait_for(pilot, lambda: not box.has_class("-bad-pattern"), "a good pattern")
        await wait_for(
            pilot, lambda: "regex '(start|end)$' (3 matches)" in str(pane.border_title), "3"
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: "(1/3)" in str(pane.border_title), "the first of three")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "(2/3)" in str(pane.border_title), "the second")
        await pilot.press("ctrl+r")  # as text, the same characters match nothing
        await wait_for(pilot, lambda: "(0 matches)" in str(pane.border_title), "no match")
        assert isinstance(app.focused, Input)


async def test_space_marks_workers_and_l_shows_the_marked_ones_lines() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [WorkerSpec(target=SAY, args=(f"hello from {number}",)) for number in range(3)]
        )
        await wait_rows(pilot, app, 3)
        await wait_for(pilot, lambda: len(log_lines(app)) >= 3, "three records")
        table = app.main_screen.worker_table
        table.focus()
        await pilot.press("space")  # marks the first, moves to the second
        await pilot.press("down", "space")  # the third
        await wait_for(pilot, lambda: table.marked == {1, 3}, "two marked")
        await pilot.press("l")
        pane = log_pane(app)
        await wait_for(pilot, lambda: len(pane.lines) == 2, "the marked workers' lines")
        assert sorted(line.rsplit(": ", 1)[1] for line in pane.lines) == [
            "hello from 0",
            "hello from 2",
        ]
        assert "2 marked only" in str(pane.border_title)
        await pilot.press("up", "space")  # the second worker too: its lines join at once
        await wait_for(pilot, lambda: len(pane.lines) == 3, "the three marked workers' lines")
        assert "3 marked only" in str(pane.border_title)
        await pilot.press("U")  # nothing marked: everyone's lines, no filter left behind
        await wait_for(pilot, lambda: "marked" not in str(pane.border_title), "no filter")
        assert app.main_screen.log_view.log_filter.workers is None
        await pilot.press("l")  # now the selected worker's alone
        await wait_for(pilot, lambda: len(pane.lines) == 1, "the selected worker's line")
        assert toasts(app, "warning") == []


async def test_a_bad_pattern_after_an_exclamation_mark_says_why_too() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        log_pane(app).add_entries(ENTRIES[:4])
        await pilot.pause()
        box = await open_search(pilot, app)
        await pilot.press("ctrl+r", *"!(start")
        await wait_for(pilot, lambda: box.has_class("-bad-pattern"), "the pattern said bad")
        assert len(log_pane(app).lines) == 4  # nothing hidden by a pattern that is not one
        await pilot.press(*"|slow)")
        await wait_for(pilot, lambda: len(log_pane(app).lines) == 1, "three lines hidden")
        assert "hiding regex '(start|slow)'" in str(log_pane(app).border_title)


async def test_a_selection_whose_first_line_dropped_off_copies_from_the_oldest_left() -> None:
    app = make_app(max_log_lines=6)
    async with app.run_test(size=SIZE) as pilot:
        pane = log_pane(app)
        pane.add_entries([entry(n / 10, logging.INFO, "Process-1", f"line {n}") for n in range(6)])
        await pilot.pause()
        await pilot.mouse_down(LogPane, offset=(1 + 22, 1))
        await pilot.hover(LogPane, offset=(1 + 30, 4))
        await pilot.mouse_up(LogPane, offset=(1 + 30, 4))
        await wait_for(pilot, lambda: bool(app.screen.get_selected_text()), "a selection")
        pane.add_entries(
            [entry(1 + n / 10, logging.INFO, "Process-1", f"more {n}") for n in range(2)]
        )
        await wait_for(pilot, lambda: pane.lines[0].endswith("line 2"), "two lines dropped")
        lines = log_lines(app)
        expected = "\n".join([lines[0], lines[1][:31]])  # its start is gone: from the oldest
        assert app.screen.get_selected_text() == expected
