"""Every action of the app, fired three ways: its key, the command palette, and the mouse.

For each binding a probe sets the scene (real workers where the action acts on one),
fires the action, and checks what the user then sees. The mouse clicks the footer key
when the footer shows one; for the keys kept out of the footer it clicks the header's
palette icon, and then, with the action's name typed, the palette's entry.
A binding without a probe fails the first test, so a new key cannot go untested.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot

from mproc_tui.core.program import ProgramCommand
from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.core.text import format_log_lines
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.keys import KeyArea, lent_action
from mproc_tui.ui.log_filter import SearchQuery
from mproc_tui.ui.main_screen import MainScreen
from mproc_tui.ui.screens.columns_screen import ColumnsScreen
from mproc_tui.ui.screens.export_screen import ExportScreen
from mproc_tui.ui.screens.help_screen import HelpScreen
from mproc_tui.ui.screens.level_screen import LevelScreen
from mproc_tui.ui.screens.quit_screen import QuitScreen
from mproc_tui.ui.screens.signal_screen import SignalScreen
from mproc_tui.ui.screens.source_screen import SourceScreen
from mproc_tui.ui.screens.spawn_screen import SpawnScreen
from mproc_tui.ui.screens.stack_screen import StackScreen
from mproc_tui.ui.textual_internals import FooterKey, HeaderIcon
from tests.app.helpers import SIZE, make_app, table_rows, wait_for, wait_rows
from tests.support.scene_records import ENTRIES, entry

Arrange = Callable[[Pilot[None], MprocApp], Awaitable[None]]
Check = Callable[[MprocApp], bool]


async def nothing(pilot: Pilot[None], app: MprocApp) -> None:
    """No scene needed."""


async def one_worker(pilot: Pilot[None], app: MprocApp) -> None:
    app.main_screen.spawn_workers([WorkerSpec(args=(60,))])
    await wait_rows(pilot, app, 1)


async def two_workers(pilot: Pilot[None], app: MprocApp) -> None:
    app.main_screen.spawn_workers([WorkerSpec(args=(60,)), WorkerSpec(args=(60,))])
    await wait_rows(pilot, app, 2)


async def two_short_workers(pilot: Pilot[None], app: MprocApp) -> None:
    app.main_screen.spawn_workers([WorkerSpec(args=(0.5,)), WorkerSpec(args=(1.0,))])
    await wait_rows(pilot, app, 2)


async def a_finished_worker(pilot: Pilot[None], app: MprocApp) -> None:
    app.main_screen.spawn_workers([WorkerSpec(args=(0,))])
    await wait_for(
        pilot, lambda: [row["exit"] for row in table_rows(app)] == ["0"], "a finished worker"
    )


WATCHED = ProgramCommand(
    sys.executable, str(Path(__file__).parents[1] / "support/programs/exits_with.py"), args=("0",)
)


async def a_watched_program_ended(pilot: Pilot[None], app: MprocApp) -> None:
    """mproc-tui run, once the program has ended: R runs it again."""
    await wait_for(pilot, lambda: "exited with code 0" in str(app.title), "the program's end")
    app.first_program_pid = app.program.pid if app.program else None  # type: ignore[attr-defined]


def ran_again(app: MprocApp) -> bool:
    first: int = app.first_program_pid  # type: ignore[attr-defined]
    return app.program is not None and app.program.pid not in (None, first)


async def records(pilot: Pilot[None], app: MprocApp) -> None:
    app.main_screen.log_view.pane.add_entries(ENTRIES)
    await pilot.pause()


async def records_scrolled_up(pilot: Pilot[None], app: MprocApp) -> None:
    app.main_screen.log_view.pane.add_entries(
        entry(index / 10, 20, "Process-1", f"line {index}") for index in range(300)
    )
    await pilot.pause()
    app.main_screen.log_view.pane.action_scroll_home()
    await wait_for(
        pilot, lambda: not app.main_screen.log_view.pane.following, "the pane scrolled up"
    )


async def a_search_on_a_match(pilot: Pilot[None], app: MprocApp) -> None:
    await records(pilot, app)
    app.main_screen.log_view.search = SearchQuery("renamed")
    app.main_screen.log_view.pane.find(True)
    app.main_screen.log_view.pane.find(
        True
    )  # on the second of five matches: both ways have one to go to
    await pilot.pause()
    app.cursor_before = app.main_screen.log_view.pane.cursor  # type: ignore[attr-defined]


async def the_search_box_open(pilot: Pilot[None], app: MprocApp) -> None:
    await records(pilot, app)
    await pilot.press("slash")
    await wait_for(pilot, lambda: app.main_screen.log_view.searching, "the search box")


def worker_exits(*expected: str) -> Check:
    return lambda app: sorted(row["exit"] for row in table_rows(app)) == sorted(expected)


def states(*expected: str) -> Check:
    return lambda app: [row["state"] for row in table_rows(app)] == list(expected)


def stacks_shown(app: MprocApp) -> bool:
    screen = app.screen
    return isinstance(screen, StackScreen) and bool(screen.report and screen.report.threads)


def on_screen(screen_type: type) -> Check:
    return lambda app: isinstance(app.screen, screen_type)


def step_moved(forward: bool) -> Check:
    def moved(app: MprocApp) -> bool:
        before: int = app.cursor_before  # type: ignore[attr-defined]
        cursor = app.main_screen.log_view.pane.cursor
        return cursor is not None and (cursor > before if forward else cursor < before)

    return moved


async def a_marked_worker(pilot: Pilot[None], app: MprocApp) -> None:
    await one_worker(pilot, app)
    app.main_screen.worker_table.marked = frozenset({1})


async def records_from_a_logger(pilot: Pilot[None], app: MprocApp) -> None:
    app.main_screen.log_view.pane.add_entries([LOGGER_RECORD])
    await pilot.pause()


def copied(text: str) -> Check:
    return lambda app: app.clipboard == text


def notified(words: str) -> Check:
    return lambda app: any(words in str(note.message) for note in app._notifications)


def min_level(level: int) -> Check:
    return lambda app: app.main_screen.log_view.log_filter.min_level == level


LOGGER_RECORD = entry(1.0, 20, "Process-1", "hi", logger="app.db")
LOGGER_LINE = format_log_lines(LOGGER_RECORD, logger=True)[0]


@dataclass(frozen=True)
class Probe:
    arrange: Arrange
    done: Check
    options: dict[str, object] = field(default_factory=dict)  # the app's, beyond make_app's


PROBES: dict[str, Probe] = {
    "help": Probe(nothing, on_screen(HelpScreen)),
    "request_quit": Probe(one_worker, on_screen(QuitScreen)),
    "spawn": Probe(nothing, lambda app: [r["daemon"] for r in table_rows(app)] == ["no"]),
    "spawn_daemon": Probe(nothing, lambda app: [r["daemon"] for r in table_rows(app)] == ["yes"]),
    "spawn_dialog": Probe(nothing, on_screen(SpawnScreen)),
    "terminate": Probe(one_worker, worker_exits("-15 SIGTERM")),
    "kill": Probe(one_worker, worker_exits("-9 SIGKILL")),
    "stop_all": Probe(two_workers, worker_exits("-15 SIGTERM", "-15 SIGTERM")),
    "join": Probe(two_short_workers, states("joined", "exited")),
    "join_all": Probe(two_short_workers, states("joined", "joined")),
    "signal": Probe(one_worker, on_screen(SignalScreen)),
    "restart": Probe(
        one_worker, lambda app: sorted(r["exit"] for r in table_rows(app)) == ["", "-15 SIGTERM"]
    ),
    "clear_finished": Probe(a_finished_worker, lambda app: table_rows(app) == []),
    "stacks": Probe(one_worker, stacks_shown),
    "level": Probe(one_worker, on_screen(LevelScreen)),
    "rerun": Probe(a_watched_program_ended, ran_again, {"program": WATCHED}),
    "source": Probe(nothing, on_screen(SourceScreen), {"program": WATCHED}),
    "toggle_primitives": Probe(
        nothing, lambda app: bool(app.main_screen.sync_panel.display), {"program": WATCHED}
    ),
    "toggle_tree": Probe(nothing, lambda app: app.main_screen.worker_table.tree_view),
    "move_sort(-1)": Probe(nothing, lambda app: app.main_screen.worker_table.sort_column == "kind"),
    "move_sort(1)": Probe(nothing, lambda app: app.main_screen.worker_table.sort_column == "name"),
    "invert_sort": Probe(nothing, lambda app: app.main_screen.worker_table.sort_descending),
    "resize(1)": Probe(nothing, lambda app: app.settings.table_share == 5),
    "resize(-1)": Probe(nothing, lambda app: app.settings.table_share == 3),
    "follow": Probe(records_scrolled_up, lambda app: app.main_screen.log_view.pane.following),
    "export": Probe(records, on_screen(ExportScreen)),
    "open_search": Probe(records, lambda app: app.main_screen.log_view.search_box.has_focus),
    "search_step(True)": Probe(a_search_on_a_match, step_moved(forward=True)),
    "search_step(False)": Probe(a_search_on_a_match, step_moved(forward=False)),
    "close_search": Probe(the_search_box_open, lambda app: not app.main_screen.log_view.searching),
    "filter_worker": Probe(
        one_worker, lambda app: app.main_screen.log_view.log_filter.workers == {1}
    ),
    "filter_logger": Probe(
        records_from_a_logger, lambda app: app.main_screen.log_view.log_filter.logger == "app.db"
    ),
    "toggle_logger_names": Probe(records, lambda app: not app.main_screen.log_view.logger_names),
    "copy(False)": Probe(records_from_a_logger, copied(LOGGER_LINE)),
    "copy(True)": Probe(records_from_a_logger, copied(LOGGER_LINE)),
    "page": Probe(records, notified("cannot hand the screen to a pager")),
    "toggle_mark": Probe(one_worker, lambda app: app.main_screen.worker_table.marked == {1}),
    "unmark_all": Probe(a_marked_worker, lambda app: not app.main_screen.worker_table.marked),
    "choose_columns": Probe(nothing, on_screen(ColumnsScreen)),
    "toggle_wrap": Probe(records, lambda app: app.main_screen.log_view.wrap),
    **{f"min_level({level})": Probe(records, min_level(level)) for level in (10, 20, 30, 40, 50)},
}

# Every key of the main screen, from where help and the palette read them: its own
# (Workers), the table's, the log view's and the app's. The first binding of an
# action is its key.
AREAS: dict[str, KeyArea] = {}
BINDINGS: dict[str, Binding] = {}
for _area in MainScreen.KEY_AREAS:
    for _binding in _area.bindings:
        if _binding.action != "command_palette" and _binding.action not in BINDINGS:
            BINDINGS[_binding.action] = _binding
            AREAS[_binding.action] = _area


def palette_search(binding: Binding) -> str:
    """What a user types in the palette to find the action."""
    if binding.action == "request_quit":
        return "Quit"  # the palette's own Quit, which takes q's path
    return AREAS[binding.action].palette_title(binding)


async def fire_by_key(pilot: Pilot[None], binding: Binding) -> None:
    await pilot.press(binding.key.split(",")[0])


async def open_palette(pilot: Pilot[None], binding: Binding) -> CommandList:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), "the palette")
    # Typed in one go: a key press at a time, each answered by a fresh search, costs
    # seconds per action and tests Textual's Input rather than our commands.
    pilot.app.screen.query_one(CommandInput).value = palette_search(binding)
    results = pilot.app.screen.query_one(CommandList)

    def first_is_ours() -> bool:
        if results.option_count == 0:
            return False
        return str(results.get_option_at_index(0).prompt).startswith(palette_search(binding))

    await wait_for(pilot, first_is_ours, f"{palette_search(binding)!r} first in the palette")
    return results


async def fire_from_palette(pilot: Pilot[None], binding: Binding) -> None:
    await pilot.press("ctrl+p")
    results = await open_palette(pilot, binding)
    results.highlighted = 0
    await pilot.press("enter")


async def fire_by_mouse(pilot: Pilot[None], binding: Binding) -> None:
    action = lent_action(AREAS[binding.action].part_id, binding.action)  # as the screen has it
    footer_keys = [key for key in pilot.app.screen.query(FooterKey) if key.action == action]
    if footer_keys:
        # (click's return value says whether the widget under the pointer is still the
        # one clicked when the click ends: not so when the click opened a screen)
        await pilot.click(footer_keys[0])
        return
    await pilot.click(HeaderIcon)
    await open_palette(pilot, binding)
    # The first option's first line, below the list's blank top border.
    await pilot.click(CommandList, offset=(4, 1))


WAYS = {"key": fire_by_key, "palette": fire_from_palette, "mouse": fire_by_mouse}


def test_every_binding_has_a_probe_and_every_probe_a_binding() -> None:
    assert set(BINDINGS) == set(PROBES)


def test_keys_outside_the_footer_are_few_and_the_rest_are_clickable() -> None:
    """The footer shows the actions a newcomer needs; all of them are a click away."""
    shown = [binding.action for binding in MainScreen.BINDINGS if binding.show]  # footer order
    assert shown[:2] == ["app.help", "app.request_quit"]
    assert {"spawn", "terminate", "kill", "join"} <= set(shown)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("action", list(PROBES))
async def test_the_action_fires(action: str, way: str) -> None:
    binding = BINDINGS[action]
    probe = PROBES[action]
    app = make_app(**probe.options)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await probe.arrange(pilot, app)
        assert not probe.done(app), "the scene already shows the action's effect"
        await WAYS[way](pilot, binding)
        await wait_for(pilot, lambda: probe.done(app), f"{action} fired by {way}")
