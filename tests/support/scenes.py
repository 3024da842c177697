"""The screens we show the world: one definition for snapshot tests and screenshots/.

Each scene builds the app, drives it with the Pilot and leaves it on one screen.
``tests/app/test_snapshots.py`` compares each with its approved SVG;
``python -m tests.support.make_screenshots`` writes the same scenes to screenshots/.

Deterministic by construction. The size is fixed, times are shown in UTC, and the
scenes with live workers run real processes through ``StagedApp``: it overrides the
app's one seam (``take_rows``/``take_entries``) to give every worker a fixed PID,
CPU, memory and uptime, and every record a fixed time, while names, states, exit
codes and messages are the real ones.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from itertools import count
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from mproc_tui.core.program import ProgramCommand
from mproc_tui.core.records import LogEntry
from mproc_tui.core.rows import WorkerRow
from mproc_tui.core.stack_text import Frame, StackReport
from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.log_filter import SearchQuery
from mproc_tui.ui.messages import WorkersSampled
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.screens.quit_screen import QuitScreen
from mproc_tui.ui.screens.spawn_screen import SpawnScreen
from mproc_tui.ui.screens.stack_screen import StackScreen
from tests.support.lesson_scenes import (
    barrier_lesson,
    barrier_two_arrived,
    every_kind_in_the_panel,
    lock_held_two_waiting,
    lock_lesson,
)
from tests.support.scene_records import ENTRIES, LOGGER_ENTRIES, NOON
from tests.support.table_scene import EVERY_STATE
from tests.support.waiting import wait_for

SIZE = (120, 34)
PROGRAMS = Path(__file__).with_name("programs")
TIMEOUT = 20.0


class StagedApp(MprocApp):
    """The real app with real workers; only the readings that change by the run are fixed."""

    def __init__(self, options: AppOptions) -> None:
        super().__init__(options)
        self._ticks = count()
        self.samples_shown = 0

    def on_workers_sampled(self, message: WorkersSampled) -> None:
        super().on_workers_sampled(message)
        self.samples_shown += 1

    def take_rows(self) -> list[WorkerRow]:
        return [
            replace(
                row,
                pid=None if row.pid is None else 41_000 + row.worker_id % 1_000_000,
                cpu_percent=None if row.cpu_percent is None else 0.0,
                cpu_history=(0.0,) * 8,  # how many readings there are depends on timing
                rss=None if row.rss is None else 14_200_000 + 300_000 * row.worker_id,
                threads=None if row.threads is None else 3,
                uptime=None if row.uptime is None else 12.0,
            )
            for row in super().take_rows()
        ]

    def notify(self, *args: Any, **kwargs: Any) -> None:
        """No toasts: each fades on its own clock, so a scene would catch it or not."""

    def take_entries(self) -> list[LogEntry]:
        # Records arrive in the order the scene waits for: a quarter-second apart.
        return [
            entry._replace(
                created=NOON + 0.25 * next(self._ticks), pid=41_000 + entry.worker_id % 1_000_000
            )
            for entry in self.arriving_entries()
        ]

    def arriving_entries(self) -> list[LogEntry]:
        return [LogEntry._make(record) for record in super().take_entries()]


class StagedRun(StagedApp):
    """``mproc-tui run``: the program's records and console lines are held until all
    have come, then shown in the order they usually arrive (start before end; a
    console line before its record, which waits for the agent's next batch;
    Process-1 first), as the order of two processes logging at once is the run's."""

    def __init__(self, options: AppOptions, lines: int) -> None:
        super().__init__(options)
        self._lines = lines
        self._held: list[LogEntry] = []

    def arriving_entries(self) -> list[LogEntry]:
        self._held += super().arriving_entries()
        if len(self._held) < self._lines:
            return []
        held, self._held = self._held, []
        return sorted(held, key=_arrival)


def _arrival(entry: LogEntry) -> tuple[bool, bool, bool]:
    text = f"{entry.process_name} {entry.message}"
    return text.endswith("end"), entry.logger_name != "stderr", "renamed" in text


@dataclass(frozen=True)
class Scene:
    name: str  # the file name in screenshots/ and the snapshot test's id
    caption: str  # what README says under it
    make_app: Callable[[], MprocApp]
    arrange: Callable[[Pilot[None]], Awaitable[None]]
    size: tuple[int, int] = SIZE
    # Compared by the snapshot tests too; a scene whose text comes from Python's own
    # files (the line numbers of threading.py) changes with Python's version.
    snapshot: bool = True


@contextlib.contextmanager
def utc() -> Iterator[None]:
    """Record times are drawn in local time: make that UTC while a scene is taken."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


async def until(pilot: Pilot[None], predicate: Callable[[], bool], what: str) -> None:
    """Wait for what the scene shows (generously: scenes also run beside the whole suite)."""
    await wait_for(pilot, predicate, f"the scene to show {what}", timeout=TIMEOUT)
    await pilot.pause()  # and let the screen take it in


def staged_app(**options: object) -> StagedApp:
    settings: dict[str, object] = {"refresh": 0.25, "grace": 1.0, "start_method": "forkserver"}
    settings.update(options)
    return StagedApp(AppOptions(**settings))  # type: ignore[arg-type]


def app_of(pilot: Pilot[None]) -> MprocApp:
    assert isinstance(pilot.app, MprocApp)
    return pilot.app


def _states(app: MprocApp) -> list[str]:
    return [row["state"] for row in app.main_screen.worker_table.row_texts()]


async def _settle(pilot: Pilot[None]) -> None:
    """Let a sample taken now reach the screen before it is taken."""
    app = app_of(pilot)
    assert isinstance(app, StagedApp)
    shown = app.samples_shown
    app.refresh_workers()
    await until(pilot, lambda: app.samples_shown > shown, "a fresh sample")


# -- the main screen ------------------------------------------------------------------------


async def empty(pilot: Pilot[None]) -> None:
    await until(pilot, lambda: app_of(pilot).main_screen.empty_hint.display, "the empty table")
    await _settle(pilot)


LESSON = (
    WorkerSpec("mproc_tui.catalog:worker1", (600,), name="Process-1", daemon=True),
    WorkerSpec("mproc_tui.catalog:worker2", (600,), name="renamed worker"),
)


async def lesson(pilot: Pilot[None]) -> None:
    """The lesson mid-run: Process-1 (a daemon) and renamed worker have logged start."""
    app = app_of(pilot)
    for started, spec in enumerate(LESSON, 1):
        app.main_screen.spawn_workers([spec])  # one at a time, so the records keep this order
        await until(
            pilot,
            lambda started=started: (
                sum(": start" in line for line in app.main_screen.log_view.pane.lines) == started
            ),
            f"{spec.name}'s start",
        )
    await until(pilot, lambda: _states(app) == ["sleeping"] * 2, "two sleeping workers")
    await _settle(pilot)


async def quit_dialog(pilot: Pilot[None]) -> None:
    """q during the lesson: the daemon is terminated, the dialog asks about the other."""
    app = app_of(pilot)
    await lesson(pilot)
    await pilot.press("q")
    await until(pilot, lambda: isinstance(app.screen, QuitScreen), "the quit dialog")
    await until(pilot, lambda: _states(app) == ["killed", "sleeping"], "the daemon's end")
    await until(pilot, lambda: not app.sub_title, "the header without progress")
    await _settle(pilot)


async def spawn_error(pilot: Pilot[None]) -> None:
    """N, a target that does not exist, Enter: the form says why and starts nothing."""
    app = app_of(pilot)
    await pilot.press("N")
    await until(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
    await pilot.press(*"reports.monthly:build")
    await pilot.press("enter")

    def error_shown() -> bool:
        text = str(app.screen.query_one("#spawn-error").render())
        return bool(text) and "checking" not in text

    await until(pilot, error_shown, "the form's error")


async def help_screen(pilot: Pilot[None]) -> None:
    app = app_of(pilot)
    await pilot.press("question_mark")
    await until(pilot, lambda: bool(app.screen.query(".help-section")), "the help screen")


ROOT = Path(__file__).resolve().parents[2]


def staged_stacks(report: StackReport) -> StackReport:
    """The stacks as read, with a fixed PID, thread ids and time, and this repository's
    paths relative to it."""

    def frame(f: Frame) -> Frame:
        path = f.path.removeprefix(f"{ROOT}{os.sep}")
        return replace(f, path=path)

    threads = tuple(
        replace(
            thread, ident=0x7F00_0000_0000 + (number << 24), frames=tuple(map(frame, thread.frames))
        )
        for number, thread in enumerate(report.threads, 1)
    )
    return replace(report, pid=41_001, threads=threads, taken_at=NOON)


async def stacks(pilot: Pilot[None]) -> None:
    """p on a worker stuck on a lock: each thread's stack, the lock's line last."""
    app = app_of(pilot)
    target = f"{PROGRAMS.parent / 'targets.py'}:stuck_on_a_lock"
    app.main_screen.spawn_workers([WorkerSpec(target=target, name="stuck worker")])
    pane = app.main_screen.log_view.pane
    await until(pilot, lambda: any(line.endswith(": stuck") for line in pane.lines), "stuck")
    await pilot.press("p")
    await until(
        pilot,
        lambda: isinstance(app.screen, StackScreen) and app.screen.report is not None,
        "the stacks",
    )
    screen = app.screen
    assert isinstance(screen, StackScreen) and screen.report is not None
    screen._show(staged_stacks(screen.report))
    await _settle(pilot)


def watched_lesson() -> StagedRun:
    """``mproc-tui run lesson.py``: the lesson's second listing, unchanged."""
    command = ProgramCommand(sys.executable, str(PROGRAMS / "lesson_daemon.py"))
    options = AppOptions(refresh=0.25, grace=1.0, program=command, program_start_method="fork")
    return StagedRun(options, lines=8)  # 4 records, and the program's own 4 console lines


async def run_ended(pilot: Pilot[None]) -> None:
    """The lesson's program has ended: the screen stays, every row's final state."""
    app = app_of(pilot)
    await until(pilot, lambda: "exited with code 0" in str(app.title), "the program's end")
    await until(pilot, lambda: _states(app) == ["exited"] * 3, "three exited rows")
    await until(pilot, lambda: len(app.main_screen.log_view.pane.lines) == 8, "every line")
    await _settle(pilot)


# -- the log pane and the table, with fixed records and rows ---------------------------------


async def mixed_levels(pilot: Pilot[None]) -> None:
    """Every level, a traceback, and markup and escapes shown literally."""
    app = app_of(pilot)
    pane = app.main_screen.log_view.pane
    pane.add_entries(ENTRIES)
    await until(pilot, lambda: pane.is_vertical_scroll_end, "the newest record")
    await _settle(pilot)


async def wrapped_search(pilot: Pilot[None]) -> None:
    app = app_of(pilot)
    pane = app.main_screen.log_view.pane
    pane.add_entries(ENTRIES)
    await pilot.press("w")
    app.main_screen.log_view.search = SearchQuery("item-2")
    await until(pilot, lambda: "wrapped — search" in pane.title, "the wrapped lines and search")
    await until(pilot, lambda: pane.is_vertical_scroll_end, "the newest record")
    await _settle(pilot)


async def logger_names(pilot: Pilot[None]) -> None:
    """Loggers named on their lines, a captured print, a regular expression counted."""
    app = app_of(pilot)
    view = app.main_screen.log_view
    view.pane.add_entries(LOGGER_ENTRIES)
    view.search = SearchQuery(r"order \d paid", regex=True)
    await until(pilot, lambda: bool(view.pane.search), "the search down in the pane")
    view.pane.find(True)
    await until(pilot, lambda: "(1/2)" in view.pane.title, "the first of two matches")
    await _settle(pilot)


async def every_state(pilot: Pilot[None]) -> None:
    """Rows in every state, through the app's own handler; no sampling tick meanwhile."""
    app = app_of(pilot)
    app.on_workers_sampled(WorkersSampled(EVERY_STATE))
    await pilot.press("t")
    table = app.main_screen.worker_table
    await until(pilot, lambda: len(table.row_texts()) == len(EVERY_STATE) + 3, "the tree")


SCENES = (
    Scene(
        "run-lesson",
        "mproc-tui run lesson.py: the program's processes and records",
        watched_lesson,
        run_ended,
        size=(160, 30),
    ),
    Scene("main-empty", "The first screen: no workers yet", staged_app, empty),
    Scene("main-lesson", "The lesson live: a daemon and a renamed worker", staged_app, lesson),
    Scene("quit-dialog", "q: the daemon is gone, the dialog asks", staged_app, quit_dialog),
    Scene("spawn-error", "N: the spawn form says what is wrong", staged_app, spawn_error),
    Scene("help", "?: every key, by area", staged_app, help_screen),
    Scene(
        "log-levels", "The log pane: levels, a traceback, literal markup", staged_app, mixed_levels
    ),
    Scene(
        "log-wrapped-search", "w wraps long lines; / highlights matches", staged_app, wrapped_search
    ),
    Scene(
        "log-loggers",
        "Each line names its logger; Ctrl+R searches by regular expression, matches counted",
        staged_app,
        logger_names,
    ),
    Scene(
        "table-80",
        "At 80 columns: PID, name, daemon, state and exit code in full",
        staged_app,
        lesson,
        size=(80, 24),
    ),
    Scene(
        "lesson-lock",
        "--lesson lock, P: Lock#1 held by one worker, the others waiting, and how long",
        lock_lesson,
        lock_held_two_waiting,
        size=(120, 34),
        snapshot=False,
    ),
    Scene(
        "panel-states",
        "P: a line for each kind of primitive (a deadlock first, a long wait in red)",
        staged_app,
        every_kind_in_the_panel,
        size=(120, 34),
    ),
    Scene(
        "lesson-barrier",
        "--lesson barrier, P: two workers at the barrier, waiting for the third",
        barrier_lesson,
        barrier_two_arrived,
        size=(120, 34),
        snapshot=False,
    ),
    Scene(
        "stacks",
        "p: where a stuck worker is, thread by thread",
        staged_app,
        stacks,
        size=(120, 40),
        snapshot=False,
    ),
    Scene(
        "table-every-state",
        "Every state, exit codes by signal, and t's tree of child processes",
        lambda: staged_app(refresh=3600.0),
        every_state,
        size=(150, 40),
    ),
)
