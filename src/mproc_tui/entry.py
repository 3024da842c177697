"""The ``mproc-tui`` command: the garbage collector tuned before anything else is imported.

With CPython's default thresholds the imports on the way to the first frame ran about
100 young collections (10-20 ms); the app sets its own thresholds (``core/garbage.py``)
in any case, so it sets them first.
"""

from __future__ import annotations

from mproc_tui.core.garbage import tune_garbage_collector


def main() -> int:
    tune_garbage_collector()
    from mproc_tui.cli import main as run_command  # (after: its imports are the heavy part)

    return run_command()
