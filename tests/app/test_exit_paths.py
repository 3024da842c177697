"""However the app ends, no worker outlives it: six ways, each in a real pseudo-terminal."""

from __future__ import annotations

import signal
import sys
import time

import psutil
import pytest

from tests.support.pty_app import SUPPORT, PtyApp, alive, app_command

ENDINGS = ["q", "SIGINT", "SIGTERM", "SIGHUP", "exception", "SIGKILL"]


def assert_nothing_outlives(app: PtyApp, everything: list[psutil.Process]) -> None:
    """The app has ended, and 2 s later none of the processes it had is alive."""
    app.wait_exit(timeout=20)
    deadline = time.monotonic() + 2.0
    while alive(everything) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = alive(everything)
    assert not survivors, [(p.pid, p.cmdline()) for p in survivors]


def end_the_app(app: PtyApp, how: str) -> None:
    """End the app one of the six ways (ENDINGS)."""
    if how == "q":
        app.press("q")
        app.wait_output("still running")
        app.press("t")
    elif how == "exception":
        app.press("x")
    else:
        app.process.send_signal(getattr(signal, how))


@pytest.mark.parametrize("how", ENDINGS)
def test_no_worker_outlives_the_app(how: str) -> None:
    if how == "exception":
        command = [sys.executable, str(SUPPORT / "crashing_app.py")]
    else:
        command = app_command("--sleep", "60", "--grace", "1")
    app = PtyApp(command)
    try:
        app.wait_output("Spawn")
        app.press("n", "n", "d")
        app.wait_workers(3)
        everything = app.descendants()
        end_the_app(app, how)
        assert_nothing_outlives(app, everything)
    finally:
        app.close()


@pytest.mark.parametrize("start_method", ["spawn", "fork"])
def test_sigkill_of_the_app_takes_its_workers_under_every_start_method(start_method: str) -> None:
    app = PtyApp(app_command("--sleep", "60", "--start-method", start_method))
    try:
        app.wait_output("Spawn")
        app.press("n", "d")
        app.wait_workers(2)
        everything = app.descendants()
        app.process.kill()
        assert_nothing_outlives(app, everything)
    finally:
        app.close()


def test_the_lesson_in_a_terminal() -> None:
    """``mproc-tui --demo``: Process-1 and renamed worker start, then end about 2 s later."""
    app = PtyApp(app_command("--demo"))
    try:
        app.wait_output("Process-1: start")
        app.wait_output("renamed worker: start")
        started = time.monotonic()
        app.wait_output("Process-1: end", timeout=10)
        app.wait_output("renamed worker: end", timeout=10)
        assert time.monotonic() - started > 1.0  # the workers really slept
        app.press("q")
        assert app.wait_exit(timeout=10) == 0
    finally:
        app.close()


def test_terminating_a_fork_worker_in_a_terminal_leaves_the_app_running() -> None:
    """Forked workers once inherited the app's signal wakeup fd: k quit the whole app."""
    app = PtyApp(app_command("--sleep", "60", "--start-method", "fork"))
    try:
        app.wait_output("Spawn")
        app.press("n", "n")
        first, second = sorted(app.wait_workers(2), key=lambda process: process.pid)
        app.press("k")  # the first row is selected
        first.wait(timeout=10)
        time.sleep(0.5)
        assert app.process.poll() is None, "the app quit when its worker was terminated"
        assert second.is_running()
        app.wait_output("-15 SIGTERM")
    finally:
        app.close()


@pytest.mark.parametrize("how", ["q", "SIGTERM", "SIGHUP"])
def test_the_workers_own_children_do_not_outlive_the_app(how: str) -> None:
    app = PtyApp(app_command("--target", "spawn_children", "--count", "2", "--grace", "1"))
    try:
        app.wait_output("Spawn")
        deadline = time.monotonic() + 20
        while len(app.descendants()) < 3 + 2 + 4 and time.monotonic() < deadline:
            time.sleep(0.05)  # tracker, fork server, guardian, 2 workers, 4 children
        everything = app.descendants()
        assert len(everything) >= 9
        end_the_app(app, how)
        assert_nothing_outlives(app, everything)
    finally:
        app.close()
