"""mproc-tui run: nothing of the watched program outlives the app, however the app ends.

The program has a Pool, a Manager, and a subprocess it orphaned; each ending runs the
real console script in a real pseudo-terminal. Orphans re-parent to mproc-tui (its
subreaper) while the program runs: ``ProgramRun`` ends them and reaps them, and none
of mproc-tui's own children.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from mproc_tui.core.orphans import is_subreaper
from mproc_tui.core.program import ProgramCommand, ProgramRun
from tests.app.test_exit_paths import ENDINGS, assert_nothing_outlives, end_the_app
from tests.support.pty_app import SUPPORT, PtyApp, app_command
from tests.support.waiting import wait_until

BUSY = SUPPORT / "programs" / "busy_program.py"


@pytest.mark.slow
@pytest.mark.parametrize("how", ENDINGS)
def test_nothing_of_the_program_outlives_the_app(how: str, tmp_path: Path) -> None:
    pid_file = tmp_path / "orphan.pid"
    options = ["run", "--grace", "1", str(BUSY), str(pid_file)]
    if how == "exception":
        command = [sys.executable, str(SUPPORT / "crashing_app.py"), *options]
    else:
        command = app_command(*options)
    app = PtyApp(command)
    try:
        app.wait_output("PoolWorker-3", timeout=40)
        app.wait_output("SyncManager-")
        wait_until(lambda: pid_file.exists() and pid_file.read_text().strip() != "", 20, "orphan")
        orphan = psutil.Process(int(pid_file.read_text()))
        everything = [*app.descendants(), orphan]
        assert len(everything) >= 6  # main, leaver's orphan, manager, 3 pool workers
        end_the_app(app, how)
        assert_nothing_outlives(app, everything)
    finally:
        app.close()


ORPHANS = SUPPORT / "programs" / "orphan_program.py"


def _run_orphan_program(pid_file: Path) -> tuple[ProgramRun, list[int]]:
    """The program started, and the pids of the two processes it orphaned."""
    command = ProgramCommand(sys.executable, str(ORPHANS), args=(str(pid_file),))
    run = ProgramRun(command, lambda batch: None, level=10)
    run.start()
    wait_until(pid_file.exists, 20, "the orphans' pids")
    return run, [int(line) for line in pid_file.read_text().split()]


def _adopted(pids: list[int]) -> bool:
    try:
        return all(psutil.Process(pid).ppid() == os.getpid() for pid in pids)
    except psutil.NoSuchProcess:
        return False


def _gone(pid: int, created: float) -> bool:
    """Not even a zombie: reaped (a reused number is another process)."""
    try:
        return psutil.Process(pid).create_time() != created
    except psutil.NoSuchProcess:
        return True


def _zombie_children() -> set[int]:
    zombies = set()
    for child in psutil.Process().children():
        with contextlib.suppress(psutil.NoSuchProcess):
            if child.status() == psutil.STATUS_ZOMBIE:
                zombies.add(child.pid)
    return zombies


def test_the_programs_orphans_are_adopted_then_ended_and_reaped(tmp_path: Path) -> None:
    subreaper_before, zombies_before = is_subreaper(), _zombie_children()  # earlier tests'
    ours = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])  # not the program's
    sleeper = subprocess.Popen(["sleep", "60"])
    run, orphans = _run_orphan_program(tmp_path / "orphans.pid")
    try:
        wait_until(lambda: _adopted(orphans), 10, "the orphans re-parented to this process")
        created = {pid: psutil.Process(pid).create_time() for pid in orphans}
        wait_until(lambda: psutil.Process(ours.pid).status() == psutil.STATUS_ZOMBIE, 10, "ended")
        run.poll()  # tends the orphans: this process's own zombie is not theirs to reap
        run.shutdown(grace=1.0)
        assert all(_gone(pid, created[pid]) for pid in orphans)
        assert ours.wait(timeout=5) == 3  # its exit status was left to subprocess
        assert sleeper.poll() is None  # and this process's other children left alone
        assert _zombie_children() <= zombies_before
        assert is_subreaper() == subreaper_before  # held only while the program ran
    finally:
        run.shutdown(grace=1.0)
        sleeper.kill()
        sleeper.wait()


def test_orphans_that_end_are_reaped_before_the_run_shuts_down(tmp_path: Path) -> None:
    run, orphans = _run_orphan_program(tmp_path / "orphans.pid")
    try:
        wait_until(lambda: _adopted(orphans), 10, "the orphans re-parented to this process")
        created = {pid: psutil.Process(pid).create_time() for pid in orphans}
        for pid in orphans:
            os.kill(pid, signal.SIGKILL)

        def reaped() -> bool:
            run.poll()  # the app's refresh, about once a second
            return all(_gone(pid, created[pid]) for pid in orphans)

        wait_until(reaped, 10, "the orphans reaped by poll()")
    finally:
        run.shutdown(grace=1.0)
