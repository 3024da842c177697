"""A worker's side of ``p``: faulthandler writes every thread's stack on ``STACK_SIGNAL``.

Kept apart from the app's side (``stacks.py``, which needs psutil): the fork server
preloads this for every worker, and psutil cost its start 13 ms and 1.2 MB that each
fork then copies.
"""

from __future__ import annotations

import faulthandler
import os
import signal

STACKS_VARIABLE = "MPROC_TUI_STACKS"  # the directory, inherited by a worker's children
STACK_SIGNAL = signal.SIGRTMIN + 4
_kept: list[int] = []  # the file faulthandler writes to, open for the process's life
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC


def stack_file(directory: str, pid: int) -> str:
    return os.path.join(directory, f"{pid}.stack")


def register_stack_dumps(directory: str | None = None) -> bool:
    """In a worker or a process it started: dump every thread's stack on ``STACK_SIGNAL``.

    The file gets its final name only once the handler is in place, so the app never
    signals a process that would die of the signal (its default action ends it).
    """
    directory = directory or os.environ.get(STACKS_VARIABLE)
    if not directory:
        return False
    os.environ[STACKS_VARIABLE] = directory  # the processes it starts register too
    path = stack_file(directory, os.getpid())
    temporary = f"{path}.new"
    try:
        # A bare descriptor: a text file object cost each worker's start 0.2 ms more.
        descriptor = os.open(temporary, _FLAGS, 0o600)
    except OSError:
        return False
    try:
        faulthandler.register(STACK_SIGNAL, file=descriptor, all_threads=True, chain=False)
        os.replace(temporary, path)
    except (OSError, ValueError, RuntimeError):
        os.close(descriptor)
        return False
    for inherited in _kept:  # a forked child's own file replaces its parent's
        os.close(inherited)
    _kept[:] = [descriptor]
    return True
