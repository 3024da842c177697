"""A watched program's orphans: mproc-tui is their subreaper, so it can end and reap them.

A process whose parent exits without waiting (or a double fork's grandchild)
re-parents to its nearest ancestor that is a child subreaper (Linux
``PR_SET_CHILD_SUBREAPER``), else to init, where mproc-tui would never find it. While a
program runs, mproc-tui is that subreaper, and the program's orphans become its
children. It tells them from its own (the program's main process, the supervisor's
workers, the guardian, multiprocessing's helpers) by what the kernel vouches for: the
environment every process of the program inherits (``MPROC_TUI_AGENT_SOCKET``, this
run's socket), or membership of the program's process group while its number cannot
be reused. It reaps only those, one known pid at a time: ``waitpid(-1)`` would take
the exit statuses that ``subprocess`` and ``multiprocessing`` wait for.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable

import psutil

PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
SOCKET_VARIABLE = "MPROC_TUI_AGENT_SOCKET"
WAIT_STEP = 0.05  # seconds between looks while processes are asked to end
LAST_REAP_WAIT = 2.0  # seconds a run's end waits for its last zombies to become reapable

_subreaper_lock = threading.Lock()
_subreaper_holders = 0
_subreaper_set_here = False  # set by us, not by whoever started mproc-tui


def _prctl(option: int, argument: object) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(option, argument, 0, 0, 0) == 0)
    except (OSError, AttributeError, ctypes.ArgumentError):
        return False


def is_subreaper() -> bool:
    """Whether this process adopts its descendants' orphans (Linux only)."""
    flag = ctypes.c_int(0)
    return _prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag)) and flag.value != 0


def hold_subreaper() -> bool:
    """Adopt orphans while any run holds this, so none escapes to init; False where the
    kernel cannot (then orphans go to init as before, and ending them is up to the group)."""
    global _subreaper_holders, _subreaper_set_here
    with _subreaper_lock:
        _subreaper_holders += 1
        if _subreaper_holders == 1 and not is_subreaper():
            _subreaper_set_here = _prctl(PR_SET_CHILD_SUBREAPER, 1)
        return is_subreaper()


def release_subreaper() -> None:
    """The last run has ended: orphans go to init again (unless it was so before us)."""
    global _subreaper_holders, _subreaper_set_here
    with _subreaper_lock:
        _subreaper_holders = max(0, _subreaper_holders - 1)
        if _subreaper_holders == 0 and _subreaper_set_here:
            _prctl(PR_SET_CHILD_SUBREAPER, 0)
            _subreaper_set_here = False


class ProgramOrphans:
    """The program's processes that became mproc-tui's children: found, remembered, reaped.

    The program's main process is ``subprocess``'s to reap. While it is not reaped, and
    if it leads its own process group (``own_group``), the group's number is the program's.
    """

    def __init__(self, socket_path: str) -> None:
        self._socket = socket_path
        self._main = 0
        self._popen: subprocess.Popen[bytes] | None = None
        self._own_group = False
        self._lock = threading.Lock()
        self._known: dict[int, float] = {}  # pid: create time; the program's, until reaped
        self._holding = False  # the subreaper, for this run

    def adopt(self) -> bool:
        """Before the program starts: its orphans become our children until ``release``."""
        if not self._holding:
            self._holding = True
            return hold_subreaper()
        return is_subreaper()

    def watch(self, popen: subprocess.Popen[bytes], own_group: bool) -> None:
        self._main, self._popen, self._own_group = popen.pid, popen, own_group

    def main_ends(self) -> None:
        """Wait for the main process to end, without reaping it (``subprocess`` does),
        then tend while its group surely is the program's: the orphans left are known."""
        with contextlib.suppress(OSError, AttributeError):
            os.waitid(os.P_PID, self._main, os.WEXITED | os.WNOWAIT)
        self.tend()

    def release(self) -> None:
        """The run is over (its processes ended): reap the last, and adopt no more."""
        deadline = time.monotonic() + LAST_REAP_WAIT
        while self.tend() and time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
        if self._holding:
            self._holding = False
            release_subreaper()

    def find(self) -> list[psutil.Process]:
        """The program's orphans that run and what they started (to end them), remembered."""
        try:
            children = psutil.Process().children()  # every process read: none missed
        except psutil.Error:
            children = []
        found: dict[int, psutil.Process] = {}
        for child in children:
            if child.pid != self._main and self._marked(child):
                found[child.pid] = child
                with contextlib.suppress(psutil.Error):
                    found.update(
                        (process.pid, process) for process in child.children(recursive=True)
                    )
        self.remember(found.values())
        return list(found.values())

    def remember(self, processes: Iterable[psutil.Process]) -> None:
        """The program's processes (the caller found them in its tree) to reap if they end
        as mproc-tui's children: their parent may end first."""
        for process in processes:
            if process.pid != self._main:
                with contextlib.suppress(psutil.Error), self._lock:
                    self._known[process.pid] = process.create_time()

    def tend(self) -> bool:
        """Learn the orphans that appeared and reap those that ended (once a second or so);
        whether one has ended but cannot be reaped yet (its last threads still exit)."""
        waiting = False
        with self._lock:
            for pid in _own_children():
                if pid != self._main and pid not in self._known:
                    with contextlib.suppress(psutil.Error):
                        process = psutil.Process(pid)
                        if self._marked(process):  # a zombie's: by its group alone
                            self._known[pid] = process.create_time()
            for pid, created in list(self._known.items()):
                state = _reap(pid, created)
                if state is not RUNS:
                    waiting |= state is ENDING
                    if state is GONE:
                        del self._known[pid]
        return waiting

    def _marked(self, process: psutil.Process) -> bool:
        """The program's: its environment names this run's socket, or it is in its group."""
        try:
            if process.environ().get(SOCKET_VARIABLE) == self._socket:
                return True
        except psutil.Error:
            pass
        return self._in_group(process.pid)

    def _in_group(self, pid: int) -> bool:
        try:
            group = os.getpgid(pid)
        except OSError:
            return False
        held = self._own_group and self._popen is not None and self._popen.returncode is None
        return group == self._main and held  # held after the read: it was then too


def _own_children() -> list[int]:
    """This process's children from the kernel's per-thread lists (cheap), else psutil's
    look at every process."""
    me = os.getpid()
    if not os.path.exists(f"/proc/{me}/task/{me}/children"):
        with contextlib.suppress(psutil.Error):
            return [child.pid for child in psutil.Process(me).children()]
        return []
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{me}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{me}/task/{task}/children") as file:
                pids.extend(int(pid) for pid in file.read().split())
    return pids


RUNS, ENDING, GONE = "runs", "ending", "gone"  # what _reap found


def _reap(pid: int, created: float) -> str:
    """Reap ``pid`` if it is that process's zombie and ours: ``GONE`` once there is
    nothing left to reap, ``ENDING`` while it cannot be reaped yet."""
    try:
        process = psutil.Process(pid)
        if process.create_time() != created:
            return GONE  # the number is another process's now
        if process.status() != psutil.STATUS_ZOMBIE:
            return RUNS
    except psutil.NoSuchProcess:  # (a zombie whose create time cannot be read too: left)
        return GONE
    except psutil.Error:
        return RUNS
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return RUNS  # another's zombie (the program's): its parent reaps it
    # A zombie leader whose other threads still exit: /proc says zombie, wait says not yet.
    return GONE if reaped == pid else ENDING


def wait_ended(
    processes: list[psutil.Process], timeout: float, tend: Callable[[], object]
) -> list[psutil.Process]:
    """Wait up to ``timeout`` for them to end; those still alive. Reaps only through
    ``tend``: psutil's ``wait_procs`` would reap the program's main process too, whose
    exit status is ``subprocess``'s."""
    deadline = time.monotonic() + timeout
    while True:
        tend()
        alive = [process for process in processes if _alive(process)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(WAIT_STEP)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def alive(pid: int, create_time: float | None) -> bool:
    """Whether ``pid`` runs and is still the process created then (a zombie has ended)."""
    try:
        process = psutil.Process(pid)
        return (
            create_time is None or process.create_time() == create_time
        ) and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
