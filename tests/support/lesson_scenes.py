"""Two lessons live, for README's "Learn multiprocessing": the panel beside the records.

The two lessons are screenshots only (not compared snapshots): the panel's hold and
wait times are the run's own. The panel with a fixed state of every kind is a
compared snapshot.
"""

from __future__ import annotations

import sys

from textual.pilot import Pilot

from mproc_tui.core.program import ProgramCommand
from mproc_tui.core.sync_table import Primitive, SyncState, Wait
from mproc_tui.lessons import lesson_path
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from tests.support.scene_records import NOON
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


def _every_kind() -> tuple[SyncState, dict[int, str]]:
    """One primitive of each kind, in a state each lesson shows, and a deadlock."""
    from mproc_tui.agent import mproc_tui_agent_sync as kinds

    noon = NOON
    # (a lesson's own numbering restarts at 1: here they share one panel)
    primitives = [
        Primitive(1, kinds.LOCK, "lock_lesson.py:21", 1, 11, 1, noon - 0.4),
        Primitive(2, kinds.RLOCK, "rlock_lesson.py:28", 1, 12, 2, noon - 1.0),
        Primitive(3, kinds.SEMAPHORE, "semaphore_lesson.py:21", 1, 13, 0, noon - 0.2),
        Primitive(4, kinds.EVENT, "event_lesson.py:19", 1, 0, 0, 0.0),
        Primitive(5, kinds.CONDITION, "condition_lesson.py:31", 1, 0, 0, 0.0),
        Primitive(6, kinds.BARRIER, "barrier_lesson.py:20", 1, 0, 3, 0.0),
        Primitive(7, kinds.QUEUE, "queue_lesson.py:31", 1, 0, 3, noon - 0.1),
        Primitive(8, kinds.VALUE, "value_lesson.py:39", 1, 0, 0, 0.0, "100000"),
        Primitive(9, kinds.ARRAY, "array_lesson.py:17", 1, 0, 0, 0.0, "[0, 1, 4, 9]"),
        Primitive(10, kinds.LOCK, "deadlock.py:26", 1, 21, 1, noon - 4.0),
        Primitive(11, kinds.LOCK, "deadlock.py:26", 1, 22, 1, noon - 4.0),
        Primitive(12, kinds.PIPE, "pipe_lesson.py:28", 1, 23, 24, noon - 2.0, sent=(2, 2)),
        Primitive(13, kinds.MANAGER, "manager_lesson.py:20", 1, 25, 2, noon, "dict, list"),
    ]
    waits = (
        Wait(14, 1, noon - 0.4),
        Wait(15, 1, noon - 0.4),
        Wait(16, 3, noon - 6.5),
        Wait(17, 4, noon - 2.1),
        Wait(18, 5, noon - 0.9),
        Wait(19, 6, noon - 1.5),
        Wait(21, 11, noon - 3.7),
        Wait(22, 10, noon - 3.7),
        Wait(24, 12, noon - 0.3),
    )
    names = {pid: f"Process-{pid - 10}" for pid in range(11, 20)}
    names.update({21: "first", 22: "second", 23: "ping", 24: "pong", 25: "SyncManager-1"})
    return SyncState({p.number: p for p in primitives}, waits), names


async def every_kind_in_the_panel(pilot: Pilot[None]) -> None:
    """The panel's line for each kind of primitive (fixed states, fixed clock)."""
    app = pilot.app
    assert isinstance(app, MprocApp)
    state, names = _every_kind()
    panel = app.main_screen.sync_panel
    panel.display = True
    panel.show(state, names, NOON)
    await wait_for(pilot, lambda: len(panel.lines_shown) == 14, "every line")
    await pilot.pause(0.3)
