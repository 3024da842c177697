"""Where a process is: the Python stack of each of its threads, even while it is stuck in C.

Each worker, and each process it starts through ``multiprocessing``, registers
``faulthandler`` on ``STACK_SIGNAL`` as it starts, writing to a file of its own in a
0700 directory the app made. To read a stack the app empties that file, sends the
signal and reads what faulthandler wrote. faulthandler writes from the signal
handler itself, in C: a worker blocked on a lock, in ``sleep`` or in a long ``sum``
answers too, where a Python handler would wait for the C call to return. The signal
is a real-time one, so SIGUSR1 and SIGUSR2 stay the user's (``s``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Mapping

import psutil

from mproc_tui.core.stack_dumps import STACK_SIGNAL, stack_file
from mproc_tui.core.stack_text import StackReport, read_dump

ANSWER_TIMEOUT = 2.0  # seconds a process has to write its stacks


class StackDirectory:
    """The app's side: the 0700 directory the dumps go to, made once, removed at the end."""

    def __init__(self, within: str | None = None) -> None:
        if within is None:
            self.path = tempfile.mkdtemp(prefix="mproc-tui-stacks-")
        else:  # a watched program's: in its run's own 0700 directory
            self.path = os.path.join(within, "stacks")
            os.mkdir(self.path, 0o700)

    def can_dump(self, pid: int) -> bool:
        """The process registered its handler: signalling it is safe."""
        return os.path.exists(stack_file(self.path, pid))

    def dump(self, pid: int, timeout: float = ANSWER_TIMEOUT) -> str | None:
        """Ask ``pid`` for its stacks; faulthandler's text, or None if none came in time."""
        path = stack_file(self.path, pid)
        with open(path, "w", encoding="utf-8"):
            pass  # empty: the process appends (O_APPEND), so its dump starts at the top
        os.kill(pid, STACK_SIGNAL)
        deadline = time.monotonic() + timeout
        size, steady_since = 0, time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.01)
            now_size = os.path.getsize(path)
            if now_size != size:
                size, steady_since = now_size, time.monotonic()
            elif size and time.monotonic() - steady_since >= 0.05:
                break  # written and no longer growing: faulthandler is done
        if not size:
            return None
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read()

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def read_stacks(
    directory: StackDirectory,
    name: str,
    pid: int,
    create_time: float | None = None,
    thread_names: Mapping[int, str] | None = None,
) -> StackReport:
    """Ask a process for its stacks; a truthful ``problem`` when it cannot answer."""
    problem = _why_no_stack(directory, name, pid, create_time)
    if problem:
        return StackReport(name, pid, problem=problem)
    try:
        text = directory.dump(pid)
    except OSError as error:  # it ended between the look and the signal
        return StackReport(name, pid, problem=f"{name} could not be asked: {error.strerror}")
    if text is None:
        return StackReport(name, pid, problem=f"{name} did not answer within {ANSWER_TIMEOUT:g} s.")
    threads, more_threads = read_dump(text, thread_names)
    return StackReport(name, pid, tuple(threads), more_threads)


def _why_no_stack(directory: StackDirectory, name: str, pid: int, create_time: float | None) -> str:
    try:
        process = psutil.Process(pid)
        if create_time is not None and abs(process.create_time() - create_time) > 1.0:
            raise psutil.NoSuchProcess(pid)  # the number was reused: ours has gone
        status = process.status()
    except psutil.NoSuchProcess:
        return f"{name} has exited: it has no stack to show."
    except psutil.AccessDenied:
        return f"{name} (PID {pid}) is not ours to ask."
    if status == psutil.STATUS_ZOMBIE:
        return f"{name} has exited (a zombie until its parent reaps it): no stack to show."
    if status in (psutil.STATUS_STOPPED, psutil.STATUS_TRACING_STOP):
        return f"{name} is stopped (SIGSTOP): it can show its stack once it continues (s, CONT)."
    if not directory.can_dump(pid):
        return (
            f"{name} cannot show its stack: mproc-tui shows the stacks of Python processes"
            " it starts or watches (workers, a watched program's, and what they start)."
        )
    return ""
