"""A small process that outlives a killed app for as long as it takes to clean up.

Workers die with the app through their death signal, but what *they* start does
not: a ``Pool`` or a ``subprocess`` inside a worker would outlive an app that was
SIGKILLed (nothing in the app runs then). The guardian runs in its own session,
reads the process group of every worker from a pipe as each one starts, and when
the pipe reaches end-of-file (the app ended, however it ended) it kills every
group that still exists, then exits.

``Guardian`` starts it as a script (it imports only the standard library, so it
starts in milliseconds whatever the app's environment).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from typing import IO


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat).

    Read straight from /proc: the guardian must start fast and import nothing big.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            data = stat.read()
    except OSError:
        return None
    return data[data.rindex(b")") + 2 :].split()[19].decode()


def sweep(groups: dict[int, str | None]) -> None:
    """SIGKILL each group whose leader is gone or is still the worker that made it.

    A group's number cannot be reused while any member lives; a leader with another
    start time means the number now names someone else's process.
    """
    for group, started in groups.items():
        now = _start_time(group)
        if now is None or started is None or now == started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)


def main() -> None:
    groups: dict[int, str | None] = {}
    for signal_number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signal_number, signal.SIG_IGN)  # the terminal's signals are the app's
    for line in sys.stdin:
        with contextlib.suppress(ValueError):
            group = int(line)
            groups[group] = _start_time(group)
    sweep(groups)


class Guardian:
    """The app's side: start the guardian, tell it each new process group."""

    def __init__(self) -> None:
        self._pipe: IO[str] | None = None
        try:
            process = subprocess.Popen(
                [sys.executable, "-I", "-S", os.path.abspath(__file__)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # not in the terminal's way, nor its signals'
                close_fds=True,
                text=True,
            )
        except OSError:
            return  # without a guardian the app still stops its workers itself
        self.process = process
        self._pipe = process.stdin

    @property
    def descriptors(self) -> tuple[int, ...]:
        """The pipe's descriptor: a forked worker must close its copy, or the
        guardian would wait for the worker's children before it sees end-of-file."""
        return () if self._pipe is None else (self._pipe.fileno(),)

    def watch(self, group: int) -> None:
        if self._pipe is None:
            return
        try:
            self._pipe.write(f"{group}\n")
            self._pipe.flush()
        except (OSError, ValueError):
            self._pipe = None

    def close(self) -> None:
        """The app has stopped its workers: the guardian sweeps once more and exits."""
        if self._pipe is not None:
            with contextlib.suppress(OSError, ValueError):
                self._pipe.close()
            self._pipe = None
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=2.0)  # reaped here, not left a zombie


if __name__ == "__main__":
    main()
