"""The exit watchdog ends a process whose normal exit is stuck."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import threading, time
from mproc_tui.core.exit_watchdog import exit_after
exit_after(0.3, 7, lambda: print("last words", flush=True))
threading.Event().wait()  # a shutdown that never finishes
"""


def test_a_stuck_process_is_ended_with_the_given_code() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 7
    assert result.stdout.strip() == "last words"
