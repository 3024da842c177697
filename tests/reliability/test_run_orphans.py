"""mproc-tui run: nothing of the watched program outlives the app, however the app ends.

The program has a Pool, a Manager, and a subprocess it orphaned; each ending runs the
real console script in a real pseudo-terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import psutil
import pytest

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
