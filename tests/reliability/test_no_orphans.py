"""No orphans, six ways: 10 workers, 3 ignoring SIGTERM and 2 with children of their own.

However the app ends, 2 s later none of its processes is alive, children included.
Each ending runs the real console script in a real pseudo-terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.app.test_exit_paths import ENDINGS, assert_nothing_outlives, end_the_app
from tests.support.pty_app import SUPPORT, PtyApp, app_command

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
        end_the_app(app, how)
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
