"""Every action is in the command palette (Ctrl+P), with a description, and runs from it."""

from __future__ import annotations

from textual.binding import Binding
from textual.command import CommandPalette

from mproc_tui.ui.screens.help_screen import palette_title
from tests.app.helpers import SIZE, make_app, table_rows, wait_for, wait_rows


async def test_the_palette_lists_every_action_and_runs_one() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for binding in app.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action != "request_quit":  # the palette's own Quit runs it
                title = palette_title(binding)
                assert title in helps and helps[title].startswith("key: "), binding
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Spawn a daemon")
        await pilot.pause(0.5)
        await pilot.press("enter")
        rows = await wait_rows(pilot, app, 1)
        assert rows[0]["daemon"] == "yes"
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*"Table: show each")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.worker_table.tree_view, "the tree view")
        assert table_rows(app)
