"""A lesson in the app: its processes in the table, its story in the log, its code on S."""

from __future__ import annotations

import sys
from itertools import pairwise

from mproc_tui.core.program import ProgramCommand
from mproc_tui.lessons import lesson_path
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.screens.source_screen import SourceScreen
from tests.app.helpers import (
    SIZE,
    log_lines,
    make_app,
    screen_text,
    table_rows,
    wait_toast,
)
from tests.support.waiting import wait_for


def records(app: MprocApp) -> list[str]:
    """The lesson's records (its basicConfig also prints them: those come as [stderr])."""
    return [line for line in log_lines(app) if "[stderr]" not in line]


def lesson_app(name: str, sleep: str = "0.3") -> MprocApp:
    command = ProgramCommand(sys.executable, str(lesson_path(name)), args=("--sleep", sleep))
    return MprocApp(AppOptions(refresh=0.2, grace=1.0, program=command))


async def test_the_lock_lesson_shows_three_workers_taking_turns_and_its_code() -> None:
    app = lesson_app("lock")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: sum(line.endswith(": got the lock") for line in records(app)) == 3,
            "three workers each getting the lock",
        )
        names = {row["name"] for row in table_rows(app)}
        assert {"MainProcess", "Process-1", "Process-2", "Process-3"} <= names
        await wait_for(
            pilot,
            lambda: sum(line.endswith(": releasing the lock") for line in records(app)) == 3,
            "three releases",
        )
        # One at a time: each worker's hold (got ... releasing) ends before the next begins.
        entries = app.main_screen.log_view.pane.shown_entries()
        holds = sorted(
            (got.created, released.created)
            for got in entries
            if got.message == "got the lock"
            for released in entries
            if released.message == "releasing the lock" and released.pid == got.pid
        )
        assert len(holds) == 3
        assert all(end <= next_start for (_, end), (next_start, _) in pairwise(holds))
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SourceScreen), "the source")
        await wait_for(
            pilot, lambda: "lock = multiprocessing.Lock()" in screen_text(app), "the code"
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SourceScreen), "closed")


async def test_s_without_a_watched_program_says_what_it_is_for() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await wait_toast(pilot, app, "S shows the source of a watched program")
