"""In a real terminal: o hands the screen to $PAGER and comes back; y reaches tmux's buffer."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.pty_app import SUPPORT, PtyApp, app_command
from tests.support.waiting import wait_until


def test_o_shows_the_lines_in_the_pager_and_the_app_comes_back(tmp_path: Path) -> None:
    copy = tmp_path / "paged.log"
    pager = f"{shlex.quote(sys.executable)} {shlex.quote(str(SUPPORT / 'fake_pager.py'))} {copy}"
    app = PtyApp(app_command("--demo", "--sleep", "0.5"), env={"PAGER": pager})
    try:
        app.wait_output("renamed worker: end", timeout=30)
        app.press("o")
        wait_until(copy.exists, 30, "the pager's copy of the lines")
        paged = copy.read_text().splitlines()
        assert any(line.endswith("Process-1: start") for line in paged)
        assert any(line.endswith("renamed worker: end") for line in paged)
        temporary = list(Path(tempfile.gettempdir()).glob("mproc-tui-*.log"))
        wait_until(lambda: not any(path.exists() for path in temporary), 10, "the file removed")
        app.press("q")  # the app answers keys again: the workers have ended, so it quits
        assert app.wait_exit(30) == 0
    finally:
        app.close()


def tmux(*arguments: str) -> str:
    result = subprocess.run(
        ["tmux", "-L", "mproc-tui-test", *arguments], capture_output=True, text=True, timeout=30
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_y_in_tmux_puts_the_line_in_its_paste_buffer() -> None:
    command = " ".join(shlex.quote(part) for part in app_command("--demo", "--sleep", "60"))
    tmux("-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "-s", "copy", command)
    try:
        tmux("set-option", "-g", "set-clipboard", "on")
        deadline = time.monotonic() + 30
        # Both records on screen: the newest is the last (whichever worker's it is).
        while not all(
            text in tmux("capture-pane", "-p", "-t", "copy")
            for text in ("Process-1: start", "renamed worker: start")
        ):
            assert time.monotonic() < deadline, tmux("capture-pane", "-p", "-t", "copy")
            time.sleep(0.1)
        newest = next(
            line.strip(" │")
            for line in reversed(tmux("capture-pane", "-p", "-t", "copy").splitlines())
            if ": start" in line
        )
        tmux("send-keys", "-t", "copy", "y")
        wait_until(lambda: tmux("show-buffer").strip() == newest, 30, f"{newest!r} in tmux")
    finally:
        tmux("kill-server")
