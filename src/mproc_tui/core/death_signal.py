"""Make a process die when the process that started it dies (Linux ``PR_SET_PDEATHSIG``)."""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import sys
from typing import Any

_PR_SET_PDEATHSIG = 1
APP_PID_VARIABLE = "MPROC_TUI_APP_PID"


def die_with_parent(expected_parent: int | None = None) -> None:
    """Ask the kernel for SIGKILL when the parent's forking thread exits.

    If the parent died before the request took effect nobody would ever signal
    us, so check afterwards that the parent is still the one we expect.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        _prctl()(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    parent = os.getppid()
    if parent == 1 or (expected_parent and not _is_alive(expected_parent)):
        os._exit(1)


@functools.cache
def _prctl() -> Any:
    """libc's ``prctl``, looked up once: the fork server's own call does it for every
    worker it forks (0.2 ms of each one's start)."""
    return ctypes.CDLL(None, use_errno=True).prctl


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
