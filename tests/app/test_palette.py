"""Every action is in the command palette (Ctrl+P), with a description, and runs from it."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.main_screen import MainScreen
from tests.app.helpers import SIZE, make_app, table_rows, wait_for, wait_rows


async def choose(pilot: Pilot[None], app: MprocApp, typed: str, title: str) -> None:
    """Type in the palette, wait until ``title`` is the first entry, and run it."""
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    await pilot.press(*typed)
    results = app.screen.query_one(CommandList)

    def first_is_it() -> bool:
        return results.option_count > 0 and str(results.get_option_at_index(0).prompt).startswith(
            title
        )

    await wait_for(pilot, first_is_it, f"{title!r} first in the palette")
    await pilot.press("enter")


async def test_the_palette_lists_every_action_and_runs_one() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for area in MainScreen.KEY_AREAS:
            for binding in area.bindings:
                if binding.action not in ("request_quit", "command_palette"):  # Textual's own
                    title = area.palette_title(binding)
                    assert title in helps and helps[title].startswith("key: "), binding
        await choose(pilot, app, "Spawn a daemon", "Workers: Spawn a daemon worker")
        rows = await wait_rows(pilot, app, 1)
        assert rows[0]["daemon"] == "yes"
        await choose(pilot, app, "Table: show each", "Table: Show each")
        await wait_for(pilot, lambda: app.main_screen.worker_table.tree_view, "the tree view")
        assert table_rows(app)
