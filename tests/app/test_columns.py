"""The table in a small terminal, columns turned on and off (remembered), PID and name pinned."""

from __future__ import annotations

import json
import os
from pathlib import Path

from textual.widgets import SelectionList

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.screens.columns_screen import ColumnsScreen
from mproc_tui.ui.widgets.worker_table import WorkerTable
from tests.app.helpers import SIZE, make_app, screen_text, table_rows, wait_rows
from tests.support.waiting import wait_for


def settings_file() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "mproc-tui" / "settings.json"


def header_line(app) -> str:  # type: ignore[no-untyped-def]
    return next(line for line in screen_text(app).splitlines() if "PID" in line)


async def test_at_80_by_24_the_lesson_shows_pid_name_daemon_and_state_for_both() -> None:
    app = make_app(demo=True, sleep=30.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_rows(pilot, app, 2)
        await wait_for(
            pilot,
            lambda: all(row["state"] in ("sleeping", "running") for row in table_rows(app)),
            "both workers running",
        )
        screen = screen_text(app).splitlines()
        for row in table_rows(app):
            line = next(line for line in screen if f" {row['pid']} " in line)
            for column in ("pid", "name", "daemon", "state"):
                assert row[column] in line, (column, line)
        header = header_line(app)
        for label in ("PID", "Name", "Daemon", "State", "Exit"):
            assert label in header


async def test_a_long_name_gives_way_so_the_exit_code_stays_on_screen_at_80() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        long_name = "a worker whose name goes on and on and on"
        app.main_screen.spawn_workers([WorkerSpec(args=(0,), name=long_name)])
        await wait_for(pilot, lambda: [r["exit"] for r in table_rows(app)] == ["0"], "its end")
        await pilot.pause()
        assert "Exit" in header_line(app)
        row_line = next(line for line in screen_text(app).splitlines() if "a worker whose" in line)
        assert row_line.rstrip(" │").endswith("0") or " 0 " in row_line


async def test_scrolling_sideways_keeps_pid_and_name() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(60,), name="pinned one")])
        await wait_rows(pilot, app, 1)
        table = app.main_screen.worker_table
        table.scroll_to(x=table.max_scroll_x, animate=False, immediate=True)
        await wait_for(pilot, lambda: "Made by" in header_line(app), "the last column")
        header = header_line(app)
        assert "PID" in header and "Name" in header and "Daemon" not in header
        assert "pinned one" in screen_text(app)
        # A click on a header under the scroll sorts by the column seen there.
        made_by = header.index("Made by") - header.index("│")  # from the table's left border
        await pilot.click(WorkerTable, offset=(made_by, 1))
        await wait_for(pilot, lambda: table.sort_column == "kind", "sorted by Made by")


async def test_the_column_chooser_turns_columns_off_and_it_is_remembered() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(60,))])
        await wait_rows(pilot, app, 1)
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ColumnsScreen), "the chooser")
        choices = app.screen.query_one(SelectionList)
        choices.deselect("cpu")
        choices.deselect("history")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ColumnsScreen), "closed")
        await wait_for(pilot, lambda: "cpu" not in table_rows(app)[0], "CPU % off")
        assert "CPU %" not in header_line(app) and "CPU history" not in header_line(app)
        saved = json.loads(settings_file().read_text())
        assert saved["hidden_columns"] == ["cpu", "history"]
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        again.main_screen.spawn_workers([WorkerSpec(args=(60,))])
        await wait_rows(pilot, again, 1)
        assert "cpu" not in table_rows(again)[0] and "rss" in table_rows(again)[0]


async def test_esc_leaves_the_columns_as_they_were() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ColumnsScreen), "the chooser")
        app.screen.query_one(SelectionList).deselect("pid")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ColumnsScreen), "closed")
        assert not app.main_screen.worker_table.column_layout.hidden
        assert not settings_file().exists()


async def test_sorting_by_a_hidden_column_says_so_in_the_title() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(60,))])
        await wait_rows(pilot, app, 1)
        table = app.main_screen.worker_table
        table.sort = ("rss", True)
        table.show_columns(frozenset({"rss"}))
        await wait_for(
            pilot,
            lambda: "sorted by RSS ▼ (hidden column)" in str(table.border_title),
            "the hidden sort named",
        )
        await pilot.press("greater_than_sign")  # < and > step over hidden columns
        await wait_for(pilot, lambda: table.sort_column == "threads", "the next shown column")
        assert "hidden column" not in str(table.border_title)
