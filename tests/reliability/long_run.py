"""Ten minutes of moderate logging with spawns and kills: does anything leak?

Run as a plain script (not part of the test run; its last result is in README):

    python -m tests.reliability.long_run              # 10 minutes
    python -m tests.reliability.long_run --minutes 2

The real app runs headless with 5 workers logging 200 records/s each (1,000/s in
all). Every 3 s one of them is SIGKILLed and replaced, or a short worker is
started; every 30 s finished workers are cleared, as a user would with ``c``.
Prints one JSON object: the app's RSS after the first minute and at the end, open
file descriptors after clearing at the first minute and at the end, records
received, workers started and killed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import time

import psutil

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions

LOGGERS = 5
STEADY = WorkerSpec(target="mproc_tui.catalog:flood", kwargs={"records_per_second": 200})
SHORT = WorkerSpec(target="mproc_tui.catalog:sleeper", args=(1.0,))


async def soak(minutes: float) -> dict[str, float]:
    app = MprocApp(AppOptions(grace=1.0))
    me = psutil.Process()
    rng = random.Random(7)
    started = killed = 0
    figures: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        app.main_screen.spawn_workers([STEADY] * LOGGERS)
        started += LOGGERS
        start = time.monotonic()
        next_change, next_clear, first_minute_done = start + 3, start + 30, False
        while (now := time.monotonic()) - start < minutes * 60:
            await pilot.pause(0.1)
            if now >= next_change:
                next_change = now + 3
                steady = [
                    worker_id
                    for worker_id in app.supervisor.live_worker_ids()
                    if app.supervisor.status(worker_id).target.endswith(":flood")
                ]
                if steady and rng.random() < 0.5:
                    pid = app.supervisor.status(rng.choice(steady)).pid
                    if pid is not None:
                        os.kill(pid, signal.SIGKILL)
                        killed += 1
                    app.main_screen.spawn_workers([STEADY])
                else:
                    app.main_screen.spawn_workers([SHORT])
                started += 1
            if now >= next_clear:
                next_clear = now + 30
                await pilot.press("c")
                if not first_minute_done and now - start >= 60:
                    first_minute_done = True
                    await pilot.pause(1.0)
                    figures["rss_first_minute_mb"] = me.memory_info().rss / 2**20
                    figures["fds_first_minute"] = me.num_fds()
        await pilot.pause(2.0)  # the last short workers end
        await pilot.press("c")
        await pilot.pause(1.0)
        figures["rss_end_mb"] = me.memory_info().rss / 2**20
        figures["fds_end"] = me.num_fds()
        figures["live_workers_end"] = len(app.supervisor.live_worker_ids())
        figures["records"] = app.supervisor.records_received
        app.supervisor.shutdown(1.0)
    figures["workers_started"] = started
    figures["workers_killed"] = killed
    if "rss_first_minute_mb" in figures:
        figures["rss_growth_mb"] = figures["rss_end_mb"] - figures["rss_first_minute_mb"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    arguments = parser.parse_args()
    figures = asyncio.run(soak(arguments.minutes))
    print(json.dumps({key: round(value, 2) for key, value in figures.items()}))


if __name__ == "__main__":
    main()
