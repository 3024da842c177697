"""Imported only by multiprocessing's fork server, as a preload module: die with the app.

Every forkserver child holds a copy of the write end of the fork server's "alive"
pipe, so after the app is SIGKILLed the fork server never sees end-of-file and
never exits; its children (our workers, whose death signal is tied to it) would
live on. With its own death signal the fork server goes when the app goes, and
the workers follow it.
"""

from __future__ import annotations

import os

from mproc_tui.core.death_signal import APP_PID_VARIABLE, die_with_parent

_app_pid = int(os.environ.get(APP_PID_VARIABLE, "0") or 0)
if _app_pid and os.getppid() == _app_pid:
    die_with_parent(_app_pid)
