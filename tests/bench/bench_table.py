"""The worker table at scale: refresh cost with 500 workers, the app's CPU at 100.

Run as a plain script (not part of the test run):

    python -m tests.bench.bench_table              # 500 workers, then 100 for 30 s
    python -m tests.bench.bench_table --workers 200 --idle-workers 50 --seconds 10

Prints one JSON object: ``refresh_ms_median`` and ``refresh_ms_max`` (the time the
event loop spends on one table refresh: the sampled rows shown, cell by cell),
``worst_lag_ms`` (a 10 ms timer's lateness over the same period), and
``idle_cpu_percent``: the app's own CPU (all its threads, one core = 100) over
``--seconds`` at the default refresh interval, with ``--idle-workers`` sleeping,
measured in a process of its own: after the 500 workers' app, the same process
carried 0.9 % more (a bigger heap for the garbage collector to walk), which a
user's app never has.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections import Counter

import psutil

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.messages import WorkersSampled
from mproc_tui.ui.options import AppOptions


def sleepers(count: int) -> list[WorkerSpec]:
    return [WorkerSpec(target="mproc_tui.catalog:sleeper", args=(3600,)) for _ in range(count)]


async def wait_started(app: MprocApp, count: int, timeout: float = 300.0) -> None:
    """Until every worker has a row with a PID and a psutil state."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = app.main_screen.worker_table.rows_shown()
        if len(rows) == count and all(row.state == "sleeping" for row in rows):
            return
        await asyncio.sleep(0.2)
    states = Counter(row.state for row in app.main_screen.worker_table.rows_shown())
    raise SystemExit(f"timed out waiting for {count} workers to start: {dict(states)}")


class TimedApp(MprocApp):
    """The real app, timing each table refresh on the event loop."""

    refreshes: list[float]

    def on_workers_sampled(self, message: WorkersSampled) -> None:
        start = time.perf_counter()
        super().on_workers_sampled(message)
        self.refreshes.append(time.perf_counter() - start)
        message.prevent_default()  # Textual would call the base class's handler again


async def measure_refresh(workers: int, seconds: float) -> dict[str, float]:
    app = TimedApp(AppOptions(grace=0.5))
    app.refreshes = refreshes = []
    lags: list[float] = []
    async with app.run_test(size=(200, 60)):
        app.main_screen.spawn_workers(sleepers(workers))
        await wait_started(app, workers)
        refreshes.clear()
        expected = time.monotonic() + 0.01
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            lags.append(now - expected)
            expected = now + 0.01
        app.supervisor.shutdown(1.0)
    return {
        "workers": workers,
        "refreshes": len(refreshes),
        "refresh_ms_median": statistics.median(refreshes) * 1000,
        "refresh_ms_max": max(refreshes) * 1000,
        "worst_lag_ms": max(lags) * 1000,
    }


async def measure_idle_cpu(workers: int, seconds: float) -> dict[str, float]:
    app = MprocApp(AppOptions(grace=0.5))  # the default refresh interval
    me = psutil.Process()
    async with app.run_test(size=(200, 60)):
        app.main_screen.spawn_workers(sleepers(workers))
        await wait_started(app, workers)
        await asyncio.sleep(2.0)  # let spawning's own work settle
        before = me.cpu_times()
        start = time.monotonic()
        await asyncio.sleep(seconds)
        after = me.cpu_times()
        elapsed = time.monotonic() - start
        app.supervisor.shutdown(1.0)
    used = (after.user - before.user) + (after.system - before.system)
    return {"idle_workers": workers, "idle_cpu_percent": used / elapsed * 100}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=500)
    parser.add_argument("--idle-workers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--idle-only", action="store_true", help="the idle CPU figure alone")
    arguments = parser.parse_args()
    figures: dict[str, float] = {}
    if arguments.idle_only:
        figures.update(asyncio.run(measure_idle_cpu(arguments.idle_workers, arguments.seconds)))
    else:
        figures.update(asyncio.run(measure_refresh(arguments.workers, 15.0)))
        idle = [*sys.argv[1:], "--idle-only"]
        command = [sys.executable, "-m", "tests.bench.bench_table", *idle]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        figures.update(json.loads(result.stdout.strip().splitlines()[-1]))
    print(json.dumps({key: round(value, 2) for key, value in figures.items()}))


if __name__ == "__main__":
    main()
