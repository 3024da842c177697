"""Make sure the process really ends after it was told to by a signal."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


def exit_after(seconds: float, exit_code: int, last_words: Callable[[], object]) -> None:
    """In ``seconds``, if the process still runs, call ``last_words`` and ``os._exit``.

    A clean exit needs the UI framework's shutdown to finish; once (SIGHUP while the
    terminal was gone) it was seen to wedge for good. The watchdog is a daemon thread,
    so a process that exits normally simply takes it along.
    """

    def watch() -> None:
        time.sleep(seconds)
        try:
            last_words()
        finally:
            os._exit(exit_code)

    threading.Thread(target=watch, name="mproc-tui-exit-watchdog", daemon=True).start()
