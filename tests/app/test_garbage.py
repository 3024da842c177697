"""What drawing leaves to Python's cyclic garbage collector: no strips."""

from __future__ import annotations

import gc

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
