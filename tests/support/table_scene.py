"""The worker table's scene as data: a row in every state, with child processes under one.

Plain rows (no app, no processes): ``scenes.py`` hands them to the app's own handler.
"""

from __future__ import annotations

import logging

from mproc_tui.core.rows import WorkerRow
from mproc_tui.core.samples import ChildSample


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
        "level": logging.DEBUG,
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
    table_row(2, "sleeping", name="renamed worker", daemon=True, level=logging.INFO),
    table_row(3, "stopped"),
    table_row(4, "zombie"),
    table_row(5, "disk-sleep", start_method="spawn", level=logging.WARNING),
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
