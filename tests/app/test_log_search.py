"""Searching the log pane: /, Enter and Shift+Enter, F3 and the keys terminals send for it."""

from __future__ import annotations

import logging
from dataclasses import replace

from mproc_tui.ui.log_filter import SearchQuery
from mproc_tui.ui.screens.detail_screen import DetailScreen
from mproc_tui.ui.screens.export_screen import ExportScreen
from tests.app.helpers import SIZE, make_app, screen_text, start_flood, toasts, wait_for


async def test_search_highlights_and_steps_through_matches() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = start_flood(app, count=300)
        await wait_for(pilot, lambda: pane.line_count == 300, "300 lines")
        await pilot.press("slash")
        await wait_for(
            pilot, lambda: app.focused is app.main_screen.log_view.search_box, "the search box"
        )
        await pilot.press(*"record 1")
        assert "search 'record 1'" in str(pane.border_title)
        await pilot.press("enter")
        first = pane.cursor
        assert first is not None and "record 1" in pane.lines[first]
        await pilot.press("enter")
        second = pane.cursor
        assert second is not None and second != first and "record 1" in pane.lines[second]
        await pilot.press("shift+enter")
        assert pane.cursor == first
        await pilot.press("escape")
        await wait_for(
            pilot, lambda: not app.main_screen.log_view.search_box.display, "the box to close"
        )
        assert not pane.search and str(pane.border_title) == "Logs"
        assert "record 1" in screen_text(app)  # the view stayed where the search left it


async def test_esc_after_a_search_keeps_its_match_chosen_for_enter() -> None:
    """/, a term, Enter twice, Esc, Enter: the detail of the second match, not the newest."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = start_flood(app, count=300)
        await wait_for(pilot, lambda: pane.line_count == 300, "300 lines")
        app.main_screen.worker_table.focus()
        await pilot.press("slash", *"record 12", "enter", "enter")
        chosen = pane.cursor
        assert chosen is not None and "record 12" in pane.lines[chosen]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is pane, "the focus on the chosen line")
        assert pane.cursor == chosen
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail panel")
        assert pane.lines[chosen].split(": ", 1)[1] in screen_text(app)


async def test_f3_steps_and_a_missing_term_says_so() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        pane = start_flood(app, count=50)
        await wait_for(pilot, lambda: pane.line_count == 50, "50 lines")
        app.main_screen.log_view.search = SearchQuery("record 4")
        await pilot.press("f3")
        assert pane.cursor is not None
        before = pane.cursor
        await pilot.press("shift+f3")
        assert pane.cursor != before
        app.main_screen.log_view.search = SearchQuery("no such text")
        await pilot.press("f3")
        await wait_for(
            pilot,
            lambda: any("No line matches" in toast for toast in toasts(app)),
            "a notification",
        )


async def test_previous_match_keys_that_every_terminal_sends() -> None:
    """Shift+F3 arrives as F15 from xterm-style terminals; Shift+Enter often as Enter."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        pane = start_flood(app, count=50)
        await wait_for(pilot, lambda: pane.line_count == 50, "50 lines")
        await pilot.press("slash", *"record 4", "down")
        first = pane.cursor
        await pilot.press("down")
        second = pane.cursor
        assert first is not None and second is not None and second != first
        await pilot.press("up")
        assert pane.cursor == first
        await pilot.press("tab")  # leave the box: F3 and F15 step from anywhere
        await pilot.press("f3")
        assert pane.cursor == second
        await pilot.press("f15")
        assert pane.cursor == first
        await pilot.press("escape")  # closes the search even outside the box
        await wait_for(
            pilot, lambda: not app.main_screen.log_view.search_box.display, "the box to close"
        )
        assert not pane.search
        view = app.main_screen.log_view
        view.log_filter = replace(view.log_filter, min_level=logging.CRITICAL)
        await pilot.press("e")
        await wait_for(
            pilot,
            lambda: any("Nothing to export" in toast for toast in toasts(app)),
            "no export of nothing",
        )
        assert not isinstance(app.screen, ExportScreen)
