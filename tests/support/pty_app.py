"""Run the real app in a pseudo-terminal, the way a user's terminal runs it."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

SUPPORT = Path(__file__).parent


def app_command(*arguments: str) -> list[str]:
    """The installed console script when there is one, else ``python -m mproc_tui``."""
    script = Path(sys.executable).parent / "mproc-tui"
    if script.exists():
        return [str(script), *arguments]
    return [sys.executable, "-m", "mproc_tui", *arguments]


class PtyApp:
    """The app on a pty: keys in, raw screen bytes out, its process tree inspectable."""

    def __init__(
        self,
        command: Sequence[str],
        columns: int = 160,
        rows: int = 48,
        env: dict[str, str] | None = None,
    ) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        environment = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns)}
        environment.update(env or {})
        self.process = subprocess.Popen(
            list(command),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env=environment,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self._output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._output += chunk

    @property
    def output(self) -> str:
        with self._lock:
            return self._output.decode("utf-8", "replace")

    def wait_output(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"{text!r} never appeared on the screen")
            time.sleep(0.05)

    def press(self, *keys: str) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            time.sleep(0.15)

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def workers(self) -> list[psutil.Process]:
        """Worker processes: under forkserver the grandchildren, otherwise children."""
        app_pid = self.process.pid
        helpers = ("resource_tracker", "forkserver import main", "guardian.py")
        found = []
        for process in self.descendants():
            try:
                command = " ".join(process.cmdline())
                parent = process.ppid()
            except psutil.Error:
                continue
            if parent == app_pid and any(helper in command for helper in helpers):
                continue
            found.append(process)
        return found

    def wait_workers(self, count: int, timeout: float = 20.0) -> list[psutil.Process]:
        deadline = time.monotonic() + timeout
        while len(workers := self.workers()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} workers, saw {len(workers)}")
            time.sleep(0.05)
        return workers

    def wait_exit(self, timeout: float = 20.0) -> int:
        return self.process.wait(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        os.close(self.master)


def alive(processes: Sequence[psutil.Process]) -> list[psutil.Process]:
    """Processes still running (a zombie has ended: it only awaits its reaper)."""
    survivors = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                survivors.append(process)
        except psutil.NoSuchProcess:
            continue
    return survivors
