"""The processes supervising needs beside the workers, started once, after the first frame.

multiprocessing's resource tracker and fork server, and the guardian. Starting them
costs the app's first frame about 35 ms and a core's worth of their own start-up,
so the app starts them just after it has drawn; a spawn that comes first starts them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from multiprocessing import forkserver, resource_tracker

from mproc_tui.core.death_signal import APP_PID_VARIABLE
from mproc_tui.core.guardian import Guardian
from mproc_tui.core.limits import raise_descriptor_limit
from mproc_tui.core.stacks import StackDirectory
from mproc_tui.core.sync_table import SyncFile

FORKSERVER_PRELOAD = [
    "__main__",  # (as multiprocessing's default does) or every worker imports it anew
    "mproc_tui.core.forkserver_guard",
    "mproc_tui.core.bootstrap",
    "mproc_tui.catalog",
]


class Helpers:
    """Starts the helpers on the first ``start()``, from whichever thread calls it.

    The fork server's death signal follows the thread that starts it: the app's main
    thread, or the supervisor's spawner thread, which ends last of all at shutdown.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._guardian: Guardian | None = None
        self.stacks: StackDirectory | None = None  # where workers write their stacks
        self.sync: SyncFile | None = None  # where workers' targets say who holds what

    def start(self) -> Guardian:
        """The guardian, once every helper runs."""
        with self._lock:
            if self._guardian is None:
                raise_descriptor_limit()  # before the helpers start: they hold descriptors too
                self.sync = SyncFile(tempfile.mkdtemp(prefix="mproc-tui-sync-"))
                with _stderr_with_a_descriptor():
                    resource_tracker.ensure_running()
                    os.environ[APP_PID_VARIABLE] = str(os.getpid())
                    context = multiprocessing.get_context("forkserver")
                    context.set_forkserver_preload(FORKSERVER_PRELOAD)
                    forkserver.ensure_running()
                # After the helpers, so the fork server does not hold the guardian's pipe.
                self._guardian = Guardian()
                self.stacks = StackDirectory()
            return self._guardian

    def close(self) -> None:
        with self._lock:
            if self._guardian is not None:
                self._guardian.close()
            if self.stacks is not None:
                self.stacks.close()
            if self.sync is not None:
                self.sync.close()
                shutil.rmtree(os.path.dirname(self.sync.path), ignore_errors=True)


@contextlib.contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """The resource tracker passes ``sys.stderr.fileno()`` to its process; inside a
    running Textual app that is a capture object whose ``fileno()`` is -1, and the
    start would fail ("bad value(s) in fds_to_keep"). Lend it the real one."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    captured, sys.stderr = sys.stderr, sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = captured
