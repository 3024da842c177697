"""Snapshot tests: the screen as the user sees it, compared with an approved SVG.

Deterministic by construction: the records are fixed (no worker's timing or PID
reaches the screen), their times are fixed and shown in UTC, and the terminal size
is fixed. After an intended change of the look, update the baselines with
``python -m pytest tests/app/test_snapshots.py --snapshot-update`` and review the
SVGs in tests/app/__snapshots__ before committing them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from mproc_tui.core.records import LogEntry
from mproc_tui.ui.app import MprocApp
from tests.app.helpers import make_app

SIZE = (110, 34)
NOON = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC

TRACEBACK = """Traceback (most recent call last):
  File "/home/user/jobs/report.py", line 12, in build
    total = sum(row["amount"] for row in rows)
  File "/home/user/jobs/report.py", line 12, in <genexpr>
    total = sum(row["amount"] for row in rows)
KeyError: 'amount'"""


def entry(
    seconds: float, level: int, name: str, message: str, traceback: str | None = None
) -> LogEntry:
    return LogEntry(
        worker_id=1 if name == "Process-1" else 2,
        created=NOON + seconds,
        level=level,
        level_name=logging.getLevelName(level),
        logger_name="root",
        process_name=name,
        pid=4242,
        thread_name="MainThread",
        pathname="/home/user/jobs/report.py",
        lineno=12,
        function="build",
        message=message,
        traceback=traceback,
    )


ENTRIES = [
    entry(0.000, logging.DEBUG, "Process-1", "start"),
    entry(0.001, logging.INFO, "renamed worker", "start"),
    entry(0.250, logging.INFO, "Process-1", "reading 1,204 rows from orders.csv"),
    entry(0.500, logging.WARNING, "renamed worker", "slow disk: 850 ms for one read"),
    entry(0.750, logging.ERROR, "Process-1", "report failed", TRACEBACK),
    entry(1.000, logging.CRITICAL, "renamed worker", "giving up after 3 tries"),
    entry(1.250, logging.INFO, "renamed worker", "[@click=app.quit]literal[/] \x1b[2J text"),
    entry(
        1.500,
        logging.INFO,
        "Process-1",
        "a long line: " + " ".join(f"item-{number}" for number in range(30)),
    ),
    entry(2.000, logging.INFO, "Process-1", "end"),
]


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Record times are drawn in local time: make that UTC for the snapshot."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()


def app_with_logs() -> MprocApp:
    return make_app()


async def show_logs(pilot: Pilot[None], *keys: str) -> None:
    app = pilot.app
    assert isinstance(app, MprocApp)
    app.log_pane.add_entries(ENTRIES)
    await pilot.pause()
    await pilot.press(*keys)
    await pilot.pause(0.2)


def test_log_pane_with_mixed_levels_and_a_traceback(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app_with_logs(), terminal_size=SIZE, run_before=show_logs)


def test_log_pane_wrapped_with_a_search_highlighted(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def wrapped_and_searched(pilot: Pilot[None]) -> None:
        await show_logs(pilot, "w")
        assert isinstance(pilot.app, MprocApp)
        pilot.app.log_pane.set_search("item-2")

    assert snap_compare(app_with_logs(), terminal_size=SIZE, run_before=wrapped_and_searched)
