"""Log throughput of the real app against the transport's own limit.

Run as a plain script (not part of the test run):

    python -m tests.bench.bench_logs                  # 4 flooding workers, 10 s each phase
    python -m tests.bench.bench_logs --records 1000000
    python -m tests.bench.bench_logs --wrap           # the same, long lines wrapped

Prints one JSON object: ``limit_rps`` (per-worker queues, records unpickled and
formatted in the parent, no UI), ``ingest_rps`` (records the headless app took in
while 4 workers flooded), their ``ratio``, the worst event-loop lag (a 10 ms timer's
lateness), the p95 time from a key press to its effect, and with ``--records`` the
app's RSS growth while that many records passed through it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time

import psutil
from textual import events

from mproc_tui.core.records import LogEntry
from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from mproc_tui.core.text import format_log_lines
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from tests.bench.lag import MachineYardstick, timer_lateness

WORKERS = 4


def flood(count: int = 0) -> WorkerSpec:
    return WorkerSpec(target="mproc_tui.catalog:flood", kwargs={"count": count})


def measure_limit(seconds: float) -> float:
    """Records per second the transport delivers when the parent only formats them."""
    received = 0
    lock = threading.Lock()

    def consume(batch: list[LogEntry]) -> None:
        nonlocal received
        for entry in batch:
            format_log_lines(entry)
        with lock:
            received += len(batch)

    supervisor = Supervisor(consume)
    try:
        for _ in range(WORKERS):
            supervisor.spawn(flood())
        time.sleep(1.0)  # warm up
        with lock:
            start_count = received
        start = time.monotonic()
        time.sleep(seconds)
        with lock:
            counted = received - start_count
        return counted / (time.monotonic() - start)
    finally:
        supervisor.shutdown(0.5)


async def measure_keys(app: MprocApp, keys: list[float], done: asyncio.Event) -> None:
    """Every 250 ms, press a key that moves the table's cursor; time until it moved."""
    while not done.is_set():
        await asyncio.sleep(0.25)
        row = app.main_screen.worker_table.cursor_row
        pressed = time.monotonic()
        app.post_message(events.Key("down" if row < WORKERS - 1 else "up", None))
        while app.main_screen.worker_table.cursor_row == row and time.monotonic() - pressed < 5:
            await asyncio.sleep(0.002)
        keys.append(time.monotonic() - pressed)


async def measure_app(seconds: float, records: int, wrap: bool = False) -> dict[str, float]:
    """Ingest rate, loop lag and key latency of the real app, headless."""
    app = MprocApp(AppOptions(refresh=1.0, grace=0.5))
    ticks: list[tuple[float, float]] = []
    keys: list[float] = []
    yardstick = MachineYardstick()
    per_worker = records // WORKERS if records else 0
    async with app.run_test(size=(160, 48)) as pilot:
        if wrap:
            await pilot.press("w")
        app.main_screen.spawn_workers([flood(per_worker) for _ in range(WORKERS)])
        await pilot.pause(1.0)
        rss_start = psutil.Process().memory_info().rss
        taken_start = app.supervisor.records_received - app.mailbox.dropped
        start = time.monotonic()
        done = asyncio.Event()
        with yardstick:
            probes = [
                asyncio.create_task(timer_lateness(ticks, done)),
                asyncio.create_task(measure_keys(app, keys, done)),
            ]
            while True:
                await asyncio.sleep(0.1)
                elapsed = time.monotonic() - start
                if records:
                    if not app.supervisor.live_worker_ids() or elapsed > 600:
                        break
                elif elapsed >= seconds:
                    break
            done.set()
            await asyncio.gather(*probes)
        elapsed = time.monotonic() - start
        taken = app.supervisor.records_received - app.mailbox.dropped - taken_start
        rss_growth = (psutil.Process().memory_info().rss - rss_start) / 2**20
        app.supervisor.stop(app.supervisor.live_worker_ids(), 0.5)
    keys.sort()
    result = {
        "ingest_rps": taken / elapsed,
        **yardstick.figures(ticks),
        "key_p95_ms": keys[int(len(keys) * 0.95)] * 1000 if keys else float("nan"),
    }
    if records:
        result["records"] = app.supervisor.records_received
        result["rss_growth_mb"] = rss_growth
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--records", type=int, default=0, help="total records, then stop")
    parser.add_argument("--wrap", action="store_true", help="with the log pane wrapping (w)")
    arguments = parser.parse_args()
    figures: dict[str, float] = {}
    if not arguments.records:
        figures["limit_rps"] = measure_limit(arguments.seconds)
    figures.update(asyncio.run(measure_app(arguments.seconds, arguments.records, arguments.wrap)))
    if "limit_rps" in figures:
        figures["ratio"] = figures["ingest_rps"] / figures["limit_rps"]
    print(json.dumps({key: round(value, 2) for key, value in figures.items()}))


if __name__ == "__main__":
    main()
