"""Restart policies in the app: the row waits and counts, K is final, the form sets them."""

from __future__ import annotations

import os
import signal

from textual.widgets import Input

from mproc_tui.core.plan_options import KeepOptions
from mproc_tui.core.restart_policy import Restart, RestartPolicy
from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.screens.spawn_screen import SpawnScreen
from tests.app.helpers import SIZE, make_app, table_rows, toasts, wait_for, wait_rows
from tests.conftest import support_target


def cell(app: MprocApp, row: int, column: str) -> str:
    """A cell as the user reads it; blank while the row is not there yet."""
    rows = table_rows(app)
    return rows[row][column] if len(rows) > row else ""


def crasher(backoff: float) -> WorkerSpec:
    policy = RestartPolicy(Restart.ON_FAILURE, backoff=backoff)
    return WorkerSpec(target="mproc_tui.catalog:crasher", args=(0.1,), restart=policy)


async def test_a_waiting_worker_counts_down_in_its_row_and_k_keeps_it_ended() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.main_screen.spawn_workers([crasher(backoff=30)])
        await wait_for(
            pilot,
            lambda: (
                [r["state"] for r in table_rows(app)]
                in (["restarting in 30 s"], ["restarting in 29 s"])
            ),
            "the countdown",
        )
        row = table_rows(app)[0]
        assert row["exit"] == "1" and row["restarts"] == "0"
        assert "1 waiting to restart" in str(app.main_screen.worker_table.border_title)
        await wait_for(pilot, lambda: any("restarting in" in t for t in toasts(app)), "toast")
        await pilot.press("k")
        await wait_for(pilot, lambda: any("will not restart" in t for t in toasts(app)), "said")
        await wait_for(pilot, lambda: table_rows(app)[0]["state"] == "exited", "ended for good")
        assert app.supervisor.waiting_worker_ids() == []


async def test_restarts_happen_in_the_same_row_and_the_title_counts_them() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.main_screen.spawn_workers([crasher(backoff=0.2)])
        await wait_for(pilot, lambda: cell(app, 0, "name") != "", "the row")
        name = cell(app, 0, "name")
        await wait_for(pilot, lambda: int(cell(app, 0, "restarts") or 0) >= 2, "two restarts")
        assert len(table_rows(app)) == 1 and cell(app, 0, "name") == name
        await wait_for(pilot, lambda: " restarts" in app.title, "the title's count")


async def test_K_is_final_and_a_kill_from_elsewhere_is_a_failure() -> None:
    keep = KeepOptions(RestartPolicy(Restart.ON_FAILURE, backoff=0))
    app = make_app(keep=keep)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")  # n carries the command line's policy
        rows = await wait_rows(pilot, app, 2)
        await wait_for(pilot, lambda: all(r["pid"] for r in table_rows(app)), "their pids")
        rows = table_rows(app)
        os.kill(int(rows[1]["pid"]), signal.SIGKILL)  # not by mproc-tui: a failure
        await pilot.press("K")  # the first row, selected: on purpose
        await wait_for(pilot, lambda: cell(app, 1, "restarts") == "1", "the restart")
        await wait_for(pilot, lambda: cell(app, 1, "state") == "sleeping", "running again")
        first = table_rows(app)[0]
        assert first["exit"] == "-9 SIGKILL" and first["restarts"] == "0"
        assert first["state"] == "killed"


async def test_the_spawn_form_sets_a_restart_policy() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        form = app.screen
        form.query_one("#target", Input).value = support_target("exits_after")
        form.query_one("#args", Input).value = "[0.1, 3]"
        form.query_one("#restart").focus()
        await pilot.press("enter", "down", "enter")  # no -> on-failure
        form.query_one("#max-restarts", Input).value = "2"
        form.query_one("#backoff", Input).value = "0.1"
        await pilot.click("#spawn")
        await wait_rows(pilot, app, 1)
        await wait_for(pilot, lambda: cell(app, 0, "restarts") == "2", "two restarts")
        await wait_for(pilot, lambda: cell(app, 0, "state") == "exited", "then no more")
        assert table_rows(app)[0]["exit"] == "3"


async def test_a_bad_restart_field_is_shown_in_the_form() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N")
        await wait_for(pilot, lambda: isinstance(app.screen, SpawnScreen), "the spawn form")
        app.screen.query_one("#target", Input).value = "sleeper"
        app.screen.query_one("#backoff", Input).value = "soon"
        await pilot.click("#spawn")
        error = app.screen.query_one("#spawn-error")
        await wait_for(pilot, lambda: "backoff must be a number" in str(error.render()), "error")
        assert table_rows(app) == []


async def test_a_worker_over_its_memory_limit_is_stopped_with_a_toast() -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        spec = WorkerSpec(target=support_target("grows"), max_rss=80 << 20)
        app.main_screen.spawn_workers([spec])
        await wait_for(pilot, lambda: cell(app, 0, "exit") == "-15 SIGTERM", "stopped", 60)
        (said,) = [t for t in toasts(app) if "--max-rss" in t]
        assert "over its --max-rss of 80.0M for 5 s" in said and "Process-" in said
        assert "1 failed" in str(app.main_screen.worker_table.border_title)  # not on purpose
