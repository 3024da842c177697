"""mproc-tui run in the app: an existing program's processes as rows, its records in the pane."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot

from mproc_tui.core.program import ProgramCommand
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from tests.app.helpers import (
    SIZE,
    gone,
    log_lines,
    screen_text,
    table_rows,
    toasts,
    wait_for,
)

PROGRAMS = Path(__file__).parents[1] / "support" / "programs"


def run_app(
    script: str, *args: str, start_method: str | None = None, python: str = sys.executable
) -> MprocApp:
    command = ProgramCommand(python, str(PROGRAMS / script), args=args)
    options = AppOptions(refresh=0.2, grace=1.0, program=command, program_start_method=start_method)
    return MprocApp(options)


async def quit_terminating_all(pilot: Pilot[None], app: MprocApp) -> None:
    """q, then t in the dialog: nothing shown in the table is left alive."""
    pids = [int(row["pid"]) for row in table_rows(app)]
    await pilot.press("q")
    await wait_for(pilot, lambda: "still running" in screen_text(app), "the quit question")
    await pilot.press("t")
    await wait_for(pilot, lambda: not app.is_running, "the app to exit", timeout=30)
    assert all(gone(pid) for pid in pids)


def rows_by_name(app: MprocApp) -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in table_rows(app)}


@pytest.mark.parametrize(
    ("listing", "daemon"), [("lesson_process.py", "no"), ("lesson_daemon.py", "yes")]
)
async def test_the_lessons_run_unchanged_and_the_screen_stays(
    start_method: str, listing: str, daemon: str
) -> None:
    """The lesson's two listings, as a user saves them: the second makes Process-1 a
    daemon and joins both."""
    app = run_app(listing, start_method=start_method)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: {"MainProcess", "Process-1", "renamed worker"} <= set(rows_by_name(app)),
            "the lesson's processes as rows",
        )
        rows = rows_by_name(app)
        assert (rows["Process-1"]["daemon"], rows["renamed worker"]["daemon"]) == (daemon, "no")
        assert rows["Process-1"]["kind"] == "Process" and rows["MainProcess"]["kind"] == "Main"
        assert rows["Process-1"]["method"] == start_method
        records = [
            f"DEBUG    {name}: {step}"
            for name in ("Process-1", "renamed worker")
            for step in ("start", "end")
        ]
        await wait_for(
            pilot,
            lambda: all(any(record in line for line in log_lines(app)) for record in records),
            "the four records, as records",
        )
        await wait_for(
            pilot,
            lambda: "exited with code 0" in screen_text(app),
            "the program's end in the title",
        )
        assert app.is_running  # the screen stays, with every row's final state
        await wait_for(
            pilot,
            lambda: [row["exit"] for row in table_rows(app)] == ["0", "0", "0"],
            "every exit code",
        )
        assert any(f"{listing} exited with code 0" in toast for toast in toasts(app))
        pids = [int(row["pid"]) for row in table_rows(app)]
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")
    assert all(gone(pid) for pid in pids)


async def test_keys_on_the_programs_processes(tmp_path: Path) -> None:
    app = run_app("pool_program.py", "100000000", start_method="fork")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(
            pilot,
            lambda: sum(row["kind"] == "Pool" for row in table_rows(app)) == 3,
            "the Pool's three workers",
        )
        table = app.main_screen.worker_table
        names = [row["name"] for row in table_rows(app)]
        table.move_cursor(names.index("ForkPoolWorker-2"))
        await pilot.press("j")
        await wait_for(
            pilot, lambda: any("cannot join it: it waits" in t for t in toasts(app)), "what j does"
        )
        await wait_for(
            pilot, lambda: "waiting for ForkPoolWorker-2 to end" in app.sub_title, "j waiting"
        )
        await pilot.press("r")
        await wait_for(
            pilot, lambda: any("cannot be restarted" in t for t in toasts(app)), "why r cannot"
        )
        pid = int(rows_by_name(app)["ForkPoolWorker-2"]["pid"])
        await pilot.press("K")
        await wait_for(pilot, lambda: gone(pid), "the Pool worker killed")
        await wait_for(
            pilot,
            lambda: rows_by_name(app)["ForkPoolWorker-2"]["state"] in ("ended", "killed"),
            "its row to say so",
        )
        ended = ("ForkPoolWorker-2 was killed by SIGKILL", "ForkPoolWorker-2 ended; nobody")
        await wait_for(
            pilot, lambda: any(t.startswith(ended) for t in toasts(app)), "j's wait to end"
        )
        assert "waiting for" not in app.sub_title
        # The Pool replaces it, as it would without mproc-tui.
        await wait_for(pilot, lambda: "ForkPoolWorker-4" in rows_by_name(app), "the replacement")
        await quit_terminating_all(pilot, app)


async def test_the_tree_shows_each_process_under_the_one_that_started_it() -> None:
    app = run_app("nested_program.py", start_method="forkserver")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: {"MainProcess", "outer", "inner"} <= set(rows_by_name(app)),
            "the program's three processes as rows",
        )
        await pilot.press("t")
        expected = ["MainProcess", "└ outer", "  └ inner"]
        await wait_for(
            pilot,
            lambda: [row["name"] for row in table_rows(app) if row["kind"]] == expected,
            "each row under its parent",
        )
        # The subprocess is no row of its own: a child process under the main one, once.
        await wait_for(
            pilot,
            lambda: [row["name"] for row in table_rows(app)][1].startswith("└ python"),
            "the subprocess under the main process",
        )
        assert sum(row["name"].endswith("inner") for row in table_rows(app)) == 1
        await pilot.press("t")
        await wait_for(
            pilot,
            lambda: [row["name"] for row in table_rows(app)] == ["MainProcess", "outer", "inner"],
            "a flat list again",
        )


async def test_r_runs_the_ended_program_again_and_own_workers_run_beside_it() -> None:
    app = run_app("exits_with.py", "3")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "exited with code 3" in str(app.title), "the first end")
        await wait_for(pilot, lambda: any("R runs it again" in t for t in toasts(app)), "the hint")
        first = rows_by_name(app)["MainProcess"]["pid"]
        await pilot.press("n")  # a worker of mproc-tui's own, beside the program's rows
        await wait_for(pilot, lambda: len(table_rows(app)) == 2, "the worker beside it")
        await pilot.press("R")
        await wait_for(
            pilot,
            lambda: rows_by_name(app).get("MainProcess", {}).get("pid") not in (None, first),
            "the program's new main process, instead of the old one",
        )
        await wait_for(pilot, lambda: "exited with code 3" in str(app.title), "the second end")
        assert [row["name"] for row in table_rows(app)].count("MainProcess") == 1
        await wait_for(
            pilot,
            lambda: sum("about to exit" in line for line in log_lines(app)) == 2,
            "both runs' output, in order",
        )
        worker = next(row for row in table_rows(app) if row["name"] != "MainProcess")
        assert worker["state"] == "sleeping" and worker["kind"] == "mproc-tui"
        await quit_terminating_all(pilot, app)


async def test_r_while_the_program_runs_says_how_to_stop_it() -> None:
    app = run_app("pool_program.py", "100000000")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "MainProcess" in rows_by_name(app), "the program")
        await pilot.press("R")
        await wait_for(
            pilot, lambda: any("T stops it, then R" in t for t in toasts(app)), "why R cannot"
        )
        assert app.program is not None and not app.program.ended.is_set()


async def test_a_program_without_its_agent_shows_its_processes_and_says_why(tmp_path: Path) -> None:
    isolating = tmp_path / "python-isolated"  # -I: PYTHONPATH ignored, so the agent never loads
    isolating.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I "$@"\n')
    isolating.chmod(0o755)
    app = run_app("pool_program.py", "100000000", python=str(isolating))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(
            pilot, lambda: any("agent did not load" in t for t in toasts(app)), "the notice"
        )
        assert "its agent did not load" in str(app.title)
        assert [row["name"] for row in table_rows(app)] == ["MainProcess"]
        await pilot.press("t")  # its Pool's workers, from psutil, under it
        await wait_for(
            pilot,
            lambda: sum(row["name"].startswith("└ ") for row in table_rows(app)) >= 3,
            "the Pool's three processes as children of the main one",
        )


async def test_a_program_that_ignores_sigterm_is_killed_after_the_grace_period() -> None:
    app = run_app("ignores_sigterm.py")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "stubborn" in rows_by_name(app), "the program's child")
        pids = [int(row["pid"]) for row in table_rows(app)]
        await pilot.press("T")
        await wait_for(
            pilot, lambda: "was killed by SIGKILL" in str(app.title), "SIGKILL after --grace"
        )
        await wait_for(pilot, lambda: all(gone(pid) for pid in pids), "both processes gone")
        await wait_for(
            pilot,
            lambda: rows_by_name(app)["MainProcess"]["exit"] == "-9 SIGKILL",
            "the table's next refresh to show the exit code",
        )
        await pilot.press("q")  # nothing runs: no question
        await wait_for(pilot, lambda: not app.is_running, "the app to exit")


async def test_quitting_says_it_terminates_the_program_until_it_is_gone() -> None:
    app = run_app("ignores_sigterm.py")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: "stubborn" in rows_by_name(app), "the program's child")
        await pilot.press("q")
        await wait_for(pilot, lambda: "still running" in screen_text(app), "the quit question")
        await pilot.press("t")
        await wait_for(
            pilot,
            lambda: (
                "terminating ignores_sigterm.py and its processes… SIGKILL after 1 s"
                in str(app.sub_title)
            ),
            "the header saying what quitting waits for",
        )
        await wait_for(pilot, lambda: not app.is_running, "the app to exit", timeout=30)


async def test_k_on_the_main_process_asks_about_what_it_started() -> None:
    app = run_app("nested_program.py")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(
            pilot,
            lambda: {"MainProcess", "outer", "inner"} <= set(rows_by_name(app)),
            "the program's three processes as rows",
        )
        # The subprocess is no row: the main row's child once a sweep has found it.
        await wait_for(
            pilot, lambda: rows_by_name(app)["MainProcess"]["children"] == "1", "the subprocess"
        )
        pids = [int(row["pid"]) for row in table_rows(app)]
        app.main_screen.worker_table.move_cursor(0)
        await pilot.press("k")
        await wait_for(
            pilot, lambda: "Terminate MainProcess? It has 3 child" in screen_text(app), "the ask"
        )
        assert "outer" in screen_text(app) and "inner" in screen_text(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: all(gone(pid) for pid in pids), "all three gone")
