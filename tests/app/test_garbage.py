"""What drawing leaves to Python's cyclic garbage collector: no strips."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

from textual.strip import Strip

from mproc_tui.core.supervisor import WorkerSpec
from tests.app.helpers import SIZE, logged, make_app, wait_for


async def test_drawing_a_flood_leaves_no_strip_in_a_cycle() -> None:
    """Each line the compositor cut into one piece used to be cached in itself (see
    ``ui/strip_cycle.py``): under a flood, thousands of cycles a second."""
    gc.collect()  # what earlier tests left
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        flood = {"count": 3000, "message_size": 20, "records_per_second": 1500}
        app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:flood", kwargs=flood)])
        await wait_for(pilot, lambda: logged(app, ": record 3000 "), "record 3000")
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            in_cycles = sum(type(thing) is Strip for thing in gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert in_cycles == 0


async def test_the_log_pane_keeps_records_the_collector_no_longer_tracks() -> None:
    """Records reach the pane as plain tuples (the mailbox makes them), so a collection
    stops tracking them: 10,000 tracked records made every older collection walk them."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        flood = {"count": 2000, "message_size": 20}
        app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:flood", kwargs=flood)])
        await wait_for(pilot, lambda: logged(app, ": record 2000 "), "record 2000")
        gc.collect()
        buffer = app.main_screen.log_view.pane.buffer
        records = [buffer.line(index)[0] for index in range(len(buffer))]
        assert len(records) >= 2000
        assert not any(gc.is_tracked(record) for record in records)


FROZEN_AT_START = """
import asyncio, gc, json, sys
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions

async def main():
    app = MprocApp(AppOptions(grace=0.5))
    async with app.run_test() as pilot:
        for _ in range(600):  # the freeze comes with the first frame, at the latest after 1 s
            if gc.get_freeze_count():
                break
            await pilot.pause(0.05)
        tracked = {id(thing) for thing in gc.get_objects()}
        print(json.dumps({
            "frozen": gc.get_freeze_count(),
            "supervisor": id(app.supervisor) in tracked,
            "psutil": id(sys.modules["psutil"]) in tracked,
        }))

asyncio.run(main())
"""


def test_the_supervisor_made_after_the_first_frame_is_frozen_with_start_up() -> None:
    """The supervisor and its modules live as long as the app: made after the first
    frame, they are still made before the freeze, or every full collection walks them."""
    # (In a process of its own: the freeze happens once a process, and tests run many apps.)
    result = subprocess.run(
        [sys.executable, "-c", FROZEN_AT_START],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["frozen"] > 0
    assert seen == {"frozen": seen["frozen"], "supervisor": False, "psutil": False}
