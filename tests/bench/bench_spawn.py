"""Spawning at scale: workers started through the app against plain multiprocessing.

Run as a plain script (not part of the test run):

    python -m tests.bench.bench_spawn                  # 300 against plain, then 1,000, then n x 20
    python -m tests.bench.bench_spawn --workers 100 --many 300

A worker counts as running once its first record (the sleeper's ``start``) has
reached the app; for the yardstick, once its first message has come through its own
``multiprocessing.Queue`` (plain forkserver, one queue a worker, its module
preloaded). Each part runs in a Python process of its own started with ``-c``: a
``-m`` main module (this one imports Textual) would be imported again by every
forkserver worker, which no user's ``mproc-tui`` does. Prints one JSON object: both rates
(workers/s) and their ``ratio`` (bar >= 0.5), the seconds to start ``--many``
workers (bar: 1,000 in 10 s) with the event loop's worst lag meanwhile (a 10 ms
timer's lateness; bar < 100 ms) beside the machine's own stalls meanwhile
(``tests/bench/lag.py``), and the seconds until 20 presses of ``n`` in a burst show
20 rows (bar < 1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import subprocess
import sys
import time
from typing import Any

from textual import events

from mproc_tui.core.records import LogEntry
from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from tests.bench.lag import MachineYardstick, timer_lateness

HOUR = 3600.0


def plain_rate(count: int) -> float:
    """Workers/s of plain multiprocessing: forkserver, one Queue each (run in its own process)."""
    from tests.bench.plain_workers import started_then_sleep

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.bench.plain_workers"])
    queues = [context.Queue() for _ in range(count)]
    start = time.perf_counter()
    processes = []
    for queue in queues:
        process = context.Process(target=started_then_sleep, args=(queue,), daemon=True)
        process.start()
        processes.append(process)
    for queue in queues:
        queue.get(timeout=120)
    elapsed = time.perf_counter() - start
    for process in processes:
        process.kill()
    return count / elapsed


class FirstRecords:
    """Which workers have sent a record (the app's log file hook sees every batch)."""

    on_error = None

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def __call__(self, batch: list[LogEntry]) -> None:
        self.seen.update(entry.worker_id for entry in batch)


async def app_rate(count: int) -> dict[str, float]:
    """Start ``count`` sleepers through the app; seconds until all run, and the worst lag."""
    first = FirstRecords()
    app = MprocApp(AppOptions(grace=0.5), log_file=first)  # type: ignore[arg-type]
    ticks: list[tuple[float, float]] = []
    yardstick = MachineYardstick()
    async with app.run_test(size=(200, 60)):
        # Made before the clock starts, as the command makes it (on a thread, once the
        # first frame is drawn) before it starts its own workers (--count 1000).
        supervisor = app.supervisor
        with yardstick:
            done = asyncio.Event()
            lag = asyncio.create_task(timer_lateness(ticks, done))
            start = time.perf_counter()
            app.main_screen.spawn_workers([WorkerSpec(args=(HOUR,))] * count)
            while len(first.seen) < count and time.perf_counter() - start < 300:
                await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - start
            done.set()
            await lag
        started = len(first.seen)
        supervisor.shutdown(1.0)
    return {
        "workers": count,
        "started": started,
        "seconds": elapsed,
        "rate": started / elapsed,
        **yardstick.figures(ticks),
    }


async def burst_of_n(presses: int = 20) -> float:
    """Seconds from the first of ``presses`` presses of ``n`` to that many rows shown."""
    app = MprocApp(AppOptions(grace=0.5, sleep=HOUR))
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause(0.5)  # the helpers are up, as for a user who looks first
        start = time.perf_counter()
        for _ in range(presses):  # as the terminal delivers them: no wait in between
            app.post_message(events.Key("n", "n"))
        while len(app.main_screen.worker_table.rows_shown()) < presses:
            if time.perf_counter() - start > 60:
                break
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - start
        app.supervisor.shutdown(1.0)
    return elapsed


def _in_own_process(part: str, count: int) -> Any:
    """Run one part (``plain``, ``app``, ``burst``) in a fresh ``python -c`` process."""
    code = f"from tests.bench.bench_spawn import part; part({part!r}, {count})"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{part}: {result.stderr.strip().splitlines()[-1:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def part(name: str, count: int) -> None:
    """In the part's own process: measure, print one JSON value."""
    if name == "plain":
        print(json.dumps(plain_rate(count)))
    elif name == "app":
        print(json.dumps(asyncio.run(app_rate(count))))
    else:
        print(json.dumps(asyncio.run(burst_of_n(count))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--many", type=int, default=1000)
    arguments = parser.parse_args()
    plain = _in_own_process("plain", arguments.workers)
    ours = _in_own_process("app", arguments.workers)
    many = _in_own_process("app", arguments.many)
    burst = _in_own_process("burst", 20)
    figures = {
        "workers": arguments.workers,
        "plain_rate": plain,
        "app_rate": ours["rate"],
        "ratio": ours["rate"] / plain,
        "many": arguments.many,
        "many_started": many["started"],
        "many_seconds": many["seconds"],
        "many_worst_lag_ms": many["worst_lag_ms"],
        "many_machine_worst_lag_ms": many["machine_worst_lag_ms"],
        "many_worst_lag_outside_machine_stalls_ms": many["worst_lag_outside_machine_stalls_ms"],
        "burst_of_20_n_seconds": burst,
    }
    print(json.dumps({key: round(value, 3) for key, value in figures.items()}))


if __name__ == "__main__":
    main()
