"""The worker table: sorting, the tree of child processes, alerts, the summary, history."""

from __future__ import annotations

import signal

import psutil

from mproc_tui.core.rows import sort_rows
from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.columns import COLUMN_KEYS, COLUMNS, column_of
from mproc_tui.ui.screens.children_screen import ChildrenScreen
from mproc_tui.ui.widgets.worker_table import WorkerTable
from tests.app.helpers import SIZE, gone, make_app, table_rows, toasts, wait_for, wait_rows

MIXED = [
    WorkerSpec(target="mproc_tui.catalog:sleeper", args=(60,), daemon=True, name="zeta"),
    WorkerSpec(target="mproc_tui.catalog:cpu_burner", args=(60,), name="alpha"),
    WorkerSpec(target="mproc_tui.catalog:spawn_children", name="Mid", start_method="spawn"),
    WorkerSpec(target="mproc_tui.catalog:crasher", args=(0,), name="crash"),
]


def header_label(table: WorkerTable, key: str) -> str:
    return table.header_label(key)


async def test_every_column_sorts_both_ways_and_the_selection_stays() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(MIXED)
        table = app.main_screen.worker_table
        await wait_rows(pilot, app, 4)
        await wait_for(pilot, lambda: table_rows(app)[3]["exit"] == "1", "the crash")
        table.move_cursor(row=1)  # alpha
        await pilot.pause()
        assert header_label(table, "pid") == "PID ▲"
        for index, key in enumerate(COLUMN_KEYS):
            if index:
                await pilot.press("greater_than_sign")
            for descending in (False, True):
                if descending:
                    await pilot.press("i")
                await pilot.pause()
                arrow = "▼" if descending else "▲"
                assert header_label(table, key).endswith(arrow), key
                expected = [
                    row.name
                    for row in sort_rows(table.rows_shown(), column_of(key).sort, descending)
                ]
                assert [row["name"] for row in table_rows(app)] == expected, key
                assert table_rows(app)[table.cursor_row]["name"] == "alpha", key
            await pilot.press("i")  # back to ascending for the next column
        # < moves back; the sort survives refreshes.
        await pilot.press("less_than_sign")
        assert table.sort_column == COLUMN_KEYS[-2]
        await pilot.pause(0.5)
        assert header_label(table, COLUMN_KEYS[-2]).endswith("▲")
        assert table_rows(app)[table.cursor_row]["name"] == "alpha"


async def test_clicking_a_header_sorts_and_a_second_click_inverts() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(MIXED[:2])
        table = app.main_screen.worker_table
        await wait_rows(pilot, app, 2)
        x = 1 + (COLUMNS[0].width or 0) + 2 + 2  # inside "Name", after the PID column
        assert COLUMNS[1].key == "name"
        await pilot.click(WorkerTable, offset=(x, 1))
        assert table.sort_column == "name" and not table.sort_descending
        assert [row["name"] for row in table_rows(app)] == ["alpha", "zeta"]
        await pilot.click(WorkerTable, offset=(x, 1))
        assert table.sort_descending
        assert [row["name"] for row in table_rows(app)] == ["zeta", "alpha"]


async def test_tree_view_shows_a_workers_children_and_kill_takes_them_along() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:spawn_children")])
        rows = await wait_rows(pilot, app, 1)
        worker_pid = int(rows[0]["pid"])
        await wait_for(pilot, lambda: table_rows(app)[0]["children"] == "2", "2 children")
        worker = psutil.Process(worker_pid)
        children = worker.children()
        assert len(children) == 2
        await pilot.press("t")
        await wait_for(pilot, lambda: len(table_rows(app)) == 3, "the tree")
        tree = table_rows(app)
        assert [int(row["pid"]) for row in tree[1:]] == sorted(child.pid for child in children)
        # Under their multiprocessing names (Process(name=...)), not "python3"
        await wait_for(
            pilot,
            lambda: [row["name"] for row in table_rows(app)[1:]] == ["└ child-1", "└ child-2"],
            "the children's names",
        )
        assert all(row["state"] in ("sleeping", "running") for row in tree[1:])
        assert all(row["rss"] for row in tree[1:])
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, ChildrenScreen), "the question")
        await pilot.press("c")  # with its children
        for process in [worker, *children]:
            await wait_for(pilot, lambda process=process: gone(process.pid), f"{process.pid}")
        await wait_for(pilot, lambda: len(table_rows(app)) == 1, "the children's rows gone")
        assert table_rows(app)[0]["exit"] == "-9 SIGKILL"
        await pilot.press("t")
        assert not app.main_screen.worker_table.tree_view


async def test_k_on_a_child_row_stops_that_child_only_and_worker_only_spares_children() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [WorkerSpec(target="mproc_tui.catalog:spawn_children", args=(3,))]
        )
        rows = await wait_rows(pilot, app, 1)
        worker = psutil.Process(int(rows[0]["pid"]))
        await wait_for(pilot, lambda: table_rows(app)[0]["children"] == "3", "3 children")
        await pilot.press("t")
        await wait_for(pilot, lambda: len(table_rows(app)) == 4, "the tree")
        await pilot.press("down")  # the first child
        first_child = int(table_rows(app)[1]["pid"])
        await pilot.press("k")
        await wait_for(pilot, lambda: gone(first_child), "the first child to end")
        await wait_for(pilot, lambda: table_rows(app)[0]["children"] == "2", "2 children left")
        assert worker.is_running()
        await pilot.press("up", "k")
        await wait_for(pilot, lambda: isinstance(app.screen, ChildrenScreen), "the question")
        survivors = worker.children()
        await pilot.press("w")  # worker only
        await wait_for(pilot, lambda: gone(worker.pid), "the worker to end")
        assert all(child.is_running() for child in survivors)
        await wait_for(pilot, lambda: table_rows(app)[0]["exit"] == "-15 SIGTERM", "exit")
    # The app ended: the children it left go with it.
    for child in survivors:
        assert gone(child.pid)


async def test_a_crashing_worker_raises_a_notification_and_counts_as_failed() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers(
            [
                WorkerSpec(target="mproc_tui.catalog:sleeper", args=(60,)),
                WorkerSpec(target="mproc_tui.catalog:crasher", args=(0.2,), name="fragile"),
            ]
        )
        await wait_for(
            pilot,
            lambda: any("fragile exited with code 1" in toast for toast in toasts(app)),
            "a toast",
        )
        table = app.main_screen.worker_table
        await wait_for(
            pilot, lambda: "1 running · 0 exited · 1 failed" in str(table.border_title), "summary"
        )
        assert len([toast for toast in toasts(app) if "fragile" in toast]) == 1
        assert [toast for toast in toasts(app, "error") if "fragile" in toast]


async def test_k_and_s_ending_a_worker_on_purpose_is_no_failure() -> None:
    """k, or a stop signal from s, ends a worker because the user asked: no alert."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([WorkerSpec(args=(60,)), WorkerSpec(args=(60,))])
        await wait_rows(pilot, app, 2)
        await pilot.press("k")
        app.supervisor.send_signal(2, signal.SIGUSR1)  # not a stop signal: its death alerts
        table = app.main_screen.worker_table
        await wait_for(
            pilot,
            lambda: "0 running · 0 exited · 1 failed · 1 terminated" in str(table.border_title),
            "the summary",
        )
        await wait_for(
            pilot,
            lambda: any("SIGUSR1" in toast for toast in toasts(app)),
            "the SIGUSR1 alert",
        )
        assert not any("SIGTERM" in toast for toast in toasts(app))


async def test_the_cpu_sparkline_grows_with_samples() -> None:
    app = make_app(refresh=0.1)
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(
            [WorkerSpec(target="mproc_tui.catalog:cpu_burner", args=(60,))]
        )
        await wait_rows(pilot, app, 1)
        await wait_for(pilot, lambda: len(table_rows(app)[0]["history"]) >= 1, "a first cell")
        first = len(table_rows(app)[0]["history"])
        await wait_for(pilot, lambda: len(table_rows(app)[0]["history"]) >= first + 2, "growth")
        # A busy worker draws tall cells.
        await wait_for(pilot, lambda: "█" in table_rows(app)[0]["history"], "a full cell")


async def test_clicking_a_row_selects_that_worker() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers(MIXED[:2])
        table = app.main_screen.worker_table
        await wait_rows(pilot, app, 2)
        assert table.cursor_row == 0
        await pilot.click(WorkerTable, offset=(20, 3))  # border, header, first row, second
        assert table.cursor_row == 1
        assert table.selected_worker_id == app.main_screen.worker_table.rows_shown()[1].worker_id


async def test_a_table_outgrowing_its_pane_gets_a_scrollbar_and_end_reaches_the_last() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.main_screen.worker_table
        app.main_screen.spawn_workers(MIXED[:1])
        await wait_rows(pilot, app, 1)
        assert not table.show_vertical_scrollbar
        app.main_screen.spawn_workers([WorkerSpec(args=(60,))] * 39)
        await wait_rows(pilot, app, 40)
        await wait_for(
            pilot,
            lambda: (
                table.show_vertical_scrollbar and table.vertical_scrollbar.window_virtual_size == 41
            ),  # the header and 40 rows
            "a scrollbar as long as the 40 rows",
        )
        table.focus()
        await pilot.press("end")
        assert table.cursor_row == 39
        await wait_for(pilot, lambda: table.is_vertical_scroll_end, "the last row in view")
