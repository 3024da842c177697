"""No orphans, six ways: 10 workers, 3 ignoring SIGTERM and 2 with children of their own.

However the app ends, 2 s later none of its processes is alive, children included.
Each ending runs the real console script in a real pseudo-terminal.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from tests.app.test_exit_paths import assert_nothing_outlives
from tests.support.pty_app import SUPPORT, PtyApp, app_command

ENDINGS = ["q", "SIGINT", "SIGTERM", "SIGHUP", "exception", "SIGKILL"]

TEN_WORKERS = """
[[worker]]
target = "sleeper"
args = [600]
count = 5

[[worker]]
target = "ignore_sigterm"
count = 3

[[worker]]
target = "spawn_children"
count = 2
"""
PROCESSES = 10 + 2 * 2  # the workers and their children


def _end(app: PtyApp, how: str) -> None:
    if how == "q":
        app.press("q")
        app.wait_output("still running")
        app.press("t")
    elif how == "exception":
        app.press("x")
    else:
        app.process.send_signal(getattr(signal, how))


@pytest.mark.slow
@pytest.mark.parametrize("how", ENDINGS)
def test_nothing_outlives_the_app_however_it_ends(how: str, tmp_path: Path) -> None:
    config = tmp_path / "ten.toml"
    config.write_text(TEN_WORKERS)
    options = ["--config", str(config), "--grace", "1"]
    if how == "exception":
        command = [sys.executable, str(SUPPORT / "crashing_app.py"), *options]
    else:
        command = app_command(*options)
    app = PtyApp(command)
    try:
        app.wait_output("Spawn")
        app.wait_workers(PROCESSES, timeout=40)
        everything = app.descendants()
        _end(app, how)
        assert_nothing_outlives(app, everything)
    finally:
        app.close()


@pytest.mark.slow
@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_sigkill_takes_the_workers_children_under_every_start_method(
    start_method: str, tmp_path: Path
) -> None:
    """Under fork, workers inherit the app's pipe to the guardian: they must close it,
    or the guardian would wait for their children before it sees the app end."""
    config = tmp_path / "ten.toml"
    config.write_text(TEN_WORKERS)
    app = PtyApp(app_command("--config", str(config), "--start-method", start_method))
    try:
        app.wait_output("Spawn")
        app.wait_workers(PROCESSES, timeout=40)
        everything = app.descendants()
        app.process.kill()
        assert_nothing_outlives(app, everything)
    finally:
        app.close()
