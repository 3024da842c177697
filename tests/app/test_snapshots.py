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
from mproc_tui.core.rows import WorkerRow
from mproc_tui.core.sampler import ChildSample
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.messages import WorkersSampled
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


def table_row(worker_id: int, state: str, **fields: object) -> WorkerRow:
    values: dict[str, object] = {
        "pid": 4100 + worker_id,
        "name": f"Process-{worker_id}",
        "daemon": False,
        "exit_code": None,
        "cpu_percent": 0.0,
        "rss": 14_500_000 + worker_id * 250_000,
        "uptime": 61.0 + worker_id,
        "threads": 3,
        "start_method": "forkserver",
        "cpu_history": (0.0,) * 12,
    }
    values.update(fields)
    if values["exit_code"] is not None:
        values.update(cpu_percent=None, rss=None, threads=None)
    return WorkerRow(worker_id=worker_id, state=state, **values)  # type: ignore[arg-type]


EVERY_STATE = [
    table_row(
        1,
        "running",
        cpu_percent=98.7,
        cpu_history=(5.0, 20.0, 45.0, 70.0, 90.0, 99.0, 99.0, 98.0, 99.0, 97.0, 99.0, 98.7),
    ),
    table_row(2, "sleeping", name="renamed worker", daemon=True),
    table_row(3, "stopped"),
    table_row(4, "zombie"),
    table_row(5, "disk-sleep", start_method="spawn"),
    table_row(6, "exited", exit_code=0),
    table_row(7, "exited", exit_code=1),
    table_row(8, "killed", exit_code=-9),
    table_row(9, "joined", exit_code=0, start_method="fork"),
    table_row(
        10,
        "sleeping",
        name="pool owner",
        threads=5,
        children=(
            ChildSample(4301, 4110, 1, "python3", "sleeping", 0.0, 9_800_000),
            ChildSample(4302, 4110, 1, "python3", "running", 54.0, 9_900_000),
            ChildSample(4303, 4302, 2, "sh", "zombie", None, None),
        ),
    ),
]


def test_worker_table_with_every_state_and_a_tree(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def show_every_state(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, MprocApp)
        app.on_workers_sampled(WorkersSampled(EVERY_STATE))
        await pilot.press("t")
        await pilot.pause(0.2)

    # No sampling tick during the test: the rows shown are exactly these.
    app = make_app(refresh=3600.0)
    assert snap_compare(app, terminal_size=(150, 46), run_before=show_every_state)
