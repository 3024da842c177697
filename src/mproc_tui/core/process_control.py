"""The operating system's side of supervising: process groups, signals, pidfds, helpers.

Small functions over PIDs, each safe against the PID having ended (or been reused)
meanwhile: a process that vanished is a normal event here, never an error.
"""

from __future__ import annotations

import contextlib
import multiprocessing.process
import os
import time
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess

import psutil

from mproc_tui.core.bootstrap import WorkerLaunch, run_worker


def descendants(pid: int, create_time: float | None) -> list[psutil.Process]:
    """Processes a worker started (recursively), if the PID is still the worker's."""
    try:
        process = psutil.Process(pid)
        if create_time is None or process.create_time() != create_time:
            return []
        return process.children(recursive=True)
    except psutil.Error:
        return []


def leads_group(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except OSError:
        return False


def create_time_of(pid: int | None) -> float | None:
    """When ``pid`` was created, or None if no such process (or it cannot be read).

    The same figure as ``psutil.Process(pid).create_time()``, which it is compared with,
    from one file read instead of three (it is read at every start).
    """
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
        ticks = float(fields[19])  # starttime, the 22nd field: clock ticks after boot
    except (OSError, IndexError, ValueError):
        try:
            return psutil.Process(pid).create_time()
        except psutil.Error:
            return None
    return ticks / _CLOCK_TICKS + _boot_time()


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_boot_times: list[float] = []  # [read at (monotonic), boot time]: kept a second


def _boot_time() -> float:
    """psutil's boot time, read again after a second: it moves when the clock is set."""
    now = time.monotonic()
    if not _boot_times or now - _boot_times[0] > 1.0:
        _boot_times[:] = [now, psutil.boot_time()]
    return _boot_times[1]


def pidfd_of(pid: int | None) -> int | None:
    """A file descriptor that becomes readable when the process exits (Linux 5.3+).

    A fork or spawn worker's sentinel pipe stays open while any process it started
    lives, so a killed worker would look alive; a pidfd follows the process itself.
    """
    if pid is None or not hasattr(os, "pidfd_open"):
        return None
    try:
        return os.pidfd_open(pid)
    except OSError:
        return None


def signal_group(pid: int | None, signal_number: int, worker_alive: bool = True) -> None:
    """Signal a worker's process group, or a live worker alone if it has none yet.

    A group ID cannot be reused while any member lives, so signalling the group
    never reaches strangers, even after the worker ended. A bare PID can be reused,
    so it is signalled only while the worker is known to be alive (not yet reaped).
    """
    if pid is None:
        return
    try:
        os.killpg(pid, signal_number)
    except ProcessLookupError:
        if worker_alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal_number)  # not yet its own group leader
    except PermissionError:
        pass


def forget_child(process: BaseProcess) -> None:
    """Take a started worker out of multiprocessing's own list of children.

    Every ``Process.start()`` polls each child on that list (``_cleanup``): at 1,000
    workers half a million polls for the last thousand starts, a third of a start's
    time at 300. The supervisor's reaper joins each worker itself when it ends.
    """
    multiprocessing.process._children.discard(process)  # type: ignore[attr-defined]


def new_worker_process(
    context: BaseContext, launch: WorkerLaunch, name: str | None, daemon: bool
) -> BaseProcess:
    """A ``Process`` that runs ``run_worker(launch)``, named as the lesson's would be."""
    process: BaseProcess = context.Process(  # type: ignore[attr-defined]
        target=run_worker, args=(launch,), name=name, daemon=daemon
    )
    if name is None:
        # The context classes call themselves ForkServerProcess-N; the lesson's
        # ``multiprocessing.Process`` says Process-N with the same counter.
        process.name = "Process-" + ":".join(str(part) for part in process._identity)
    return process


def signal_worker(
    pid: int, create_time: float | None, signal_number: int, children: bool
) -> list[psutil.Process]:
    """Signal a worker, and with ``children`` its whole process group at once.

    Returns the processes it started (with ``children``), for ``signal_strays``.
    Raises ``ProcessLookupError`` if the worker itself is gone.
    """
    processes = descendants(pid, create_time) if children else []
    if children and leads_group(pid):
        # One delivery each to the worker and everything in its group,
        # including children whose parent (a middle process) is gone.
        os.killpg(pid, signal_number)
    else:
        os.kill(pid, signal_number)
    return processes


def signal_strays(pid: int, processes: list[psutil.Process], signal_number: int) -> None:
    """Signal those of a worker's processes that left its group (the group got it already)."""
    for child in processes:
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(child.pid) != pid:
                child.send_signal(signal_number)


def signal_descendant(
    worker_pid: int, create_time: float | None, pid: int, signal_number: int
) -> bool:
    """Signal ``pid`` if it is one of the worker's descendants now; False if it is gone.

    Checked at the moment of signalling, so a number reused since a view showed it is
    never signalled. Raises ``psutil.AccessDenied`` or ``OSError`` if it cannot be.
    """
    for child in descendants(worker_pid, create_time):
        if child.pid == pid:
            try:
                child.send_signal(signal_number)
            except psutil.NoSuchProcess:
                return False
            return True
    return False
