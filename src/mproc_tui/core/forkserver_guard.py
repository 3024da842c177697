"""Imported only by multiprocessing's fork server, as a preload module.

It dies with the app: every forkserver child holds a copy of the write end of the
fork server's "alive" pipe, so after the app is SIGKILLed the fork server never sees
end-of-file and never exits; its children (our workers, whose death signal is tied
to it) would live on. With its own death signal the fork server goes when the app
goes, and the workers follow it.

And it keeps serving when one start fails: its loop (3.11) ends on any error but
ECONNABORTED, and every forkserver worker dies with it. A client that left before
sending its descriptors, or a ``fork`` refused (``ulimit -u``, memory), becomes an
abandoned start: the client reads end-of-file and that one start fails.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
from multiprocessing import reduction
from typing import Any

from mproc_tui.core.death_signal import APP_PID_VARIABLE, die_with_parent

_app_pid = int(os.environ.get(APP_PID_VARIABLE, "0") or 0)


def _keep_serving() -> None:
    """Wrap what the server's loop calls, in the server only (its children get the originals)."""
    original_recvfds, original_fork = reduction.recvfds, os.fork
    received: list[int] = []  # the descriptors of the start under way

    def abandoned(error: BaseException) -> ConnectionAbortedError:
        return ConnectionAbortedError(errno.ECONNABORTED, f"start abandoned: {error!r}")

    def recvfds(sock: Any, size: int) -> list[int]:
        received.clear()
        try:
            fds: list[int] = original_recvfds(sock, size)
        except (EOFError, RuntimeError, OSError) as error:
            raise abandoned(error) from None
        received.extend(fds)
        return fds

    def fork() -> int:
        gc.freeze()  # what the server holds: a worker's collections never visit (or copy) it
        try:
            pid = original_fork()
        except OSError as error:
            for fd in received:  # the client's end of its status pipe then reads EOF
                with contextlib.suppress(OSError):
                    os.close(fd)
            received.clear()
            raise abandoned(error) from None
        if pid == 0:  # a worker: nothing of this stays with it
            reduction.recvfds, os.fork = original_recvfds, original_fork
        return pid

    reduction.recvfds, os.fork = recvfds, fork


if _app_pid and os.getppid() == _app_pid:
    die_with_parent(_app_pid)
    _keep_serving()
