"""Two lessons live, for README's "Learn multiprocessing": the panel beside the records.

Screenshots only (not compared snapshots): the panel's hold and wait times are the
run's own.
"""

from __future__ import annotations

import sys

from textual.pilot import Pilot

from mproc_tui.core.program import ProgramCommand
from mproc_tui.lessons import lesson_path
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from tests.support.waiting import wait_for


def lesson(name: str, sleep: str) -> MprocApp:
    command = ProgramCommand(sys.executable, str(lesson_path(name)), args=("--sleep", sleep))
    return MprocApp(AppOptions(refresh=0.25, grace=1.0, program=command))


def lock_lesson() -> MprocApp:
    return lesson("lock", "3")


def barrier_lesson() -> MprocApp:
    return lesson("barrier", "2")


async def _panel_line(pilot: Pilot[None], start: str, *words: str) -> None:
    """P, then wait until the panel's line for a primitive says every one of ``words``."""
    app = pilot.app
    assert isinstance(app, MprocApp)
    await pilot.press("P")

    def said() -> bool:
        return any(
            line.startswith(start) and all(word in line for word in words)
            for line in app.main_screen.sync_panel.lines_shown
        )

    await wait_for(pilot, said, f"{start} saying {words}", timeout=30)
    await pilot.pause(0.3)


async def lock_held_two_waiting(pilot: Pilot[None]) -> None:
    await _panel_line(pilot, "Lock#1", "held by", "waiting: Process-", ", Process-")


async def barrier_two_arrived(pilot: Pilot[None]) -> None:
    await _panel_line(pilot, "Barrier#1", "waiting: Process-1", ", Process-2")
