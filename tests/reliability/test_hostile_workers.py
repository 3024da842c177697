"""Hostile workers: each shows a truthful state and exit code, and none takes the app down."""

from __future__ import annotations

import psutil

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.screens.children_screen import ChildrenScreen
from tests.app.helpers import (
    SIZE,
    gone,
    log_lines,
    logged,
    make_app,
    table_rows,
    wait_for,
    wait_rows,
)
from tests.conftest import TESTS

HOSTILE = f"{TESTS / 'support' / 'hostile_workers.py'}"

EXPECTED_EXITS = {
    "exit_mid_log": "3",
    "segfault": "-11 SIGSEGV",
    "close_streams": "0",
    "fork_without_exec": "0",
    "eat_memory": "1",
}


def spec(function: str) -> WorkerSpec:
    return WorkerSpec(target=f"{HOSTILE}:{function}", name=function)


async def test_hostile_workers_show_the_truth_and_the_app_stays_up() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        names = [*EXPECTED_EXITS, "fork_bomb", "blocked_read"]
        app.main_screen.spawn_workers([spec(name) for name in names])
        await wait_rows(pilot, app, len(names))

        def row(name: str) -> dict[str, str]:
            return next(r for r in table_rows(app) if r["name"] == name)

        for name, code in EXPECTED_EXITS.items():
            await wait_for(pilot, lambda n=name, c=code: row(n)["exit"] == c, f"{name} {code}")
        assert logged(app, "still logging with stdout and stderr closed")
        assert logged(app, "MemoryError")
        assert logged(app, "forked child")
        # os._exit skips the queue's flush: what had reached the pipe arrives, in order,
        # and nothing after the exit.
        mid = [line for line in log_lines(app) if "exit_mid_log: record" in line]
        numbers = [int(line.rsplit(" ", 1)[1]) for line in mid]
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 250

        await wait_for(pilot, lambda: row("fork_bomb")["children"] == "50", "50 children")
        await wait_for(pilot, lambda: row("blocked_read")["state"] == "sleeping", "blocked")
        bomb_pid = int(row("fork_bomb")["pid"])
        bomb_children = psutil.Process(bomb_pid).children()
        assert len(bomb_children) == 50

        # The app still answers: select the bomb, kill it with its children.
        index = next(i for i, r in enumerate(table_rows(app)) if r["name"] == "fork_bomb")
        app.main_screen.worker_table.move_cursor(index)
        await pilot.press("K")
        await wait_for(pilot, lambda: isinstance(app.screen, ChildrenScreen), "the question")
        await pilot.press("c")
        for child in bomb_children:
            await wait_for(pilot, lambda c=child: gone(c.pid), f"child {child.pid}")
        await wait_for(pilot, lambda: row("fork_bomb")["exit"] == "-9 SIGKILL", "bomb killed")

        index = next(i for i, r in enumerate(table_rows(app)) if r["name"] == "blocked_read")
        app.main_screen.worker_table.move_cursor(index)
        await pilot.press("k")
        await wait_for(pilot, lambda: row("blocked_read")["exit"] == "-15 SIGTERM", "read ended")
