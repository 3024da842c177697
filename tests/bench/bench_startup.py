"""Start-up in a real terminal: mproc-tui's first frame against a bare Textual app's.

Run as a plain script (not part of the test run):

    python -m tests.bench.bench_startup              # 7 launches of each, interleaved
    python -m tests.bench.bench_startup --launches 5

Each launch runs in a pseudo-terminal of its own (120x40), timed from just before
the process starts to the moment a marker reaches the terminal: ``Quit`` in the
footer (the first frame is drawn whole), or for ``--demo`` the lesson's first
record. The three kinds take turns, so a busy moment weighs on all of them alike;
mproc-tui's modules are compiled first, as an install from a wheel has them.
Prints one JSON object: each kind's median and spread (seconds), and the ratios
of the medians to the bare app's first frame (bars: first frame <= 1.25, first
demo record <= 2).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

from tests.support.pty_app import PtyApp, app_command

BARE = [sys.executable, str(Path(__file__).with_name("bare_app.py"))]
KINDS = {
    "bare_first_frame": (BARE, re.compile(r"Quit")),
    "first_frame": (app_command(), re.compile(r"Quit")),
    "demo_first_record": (app_command("--demo"), re.compile(r"(Process-1|renamed worker): start")),
}


STALLS: dict[str, int] = {}  # launches that never drew the marker, by command


def launch(command: list[str], marker: re.Pattern[str], timeout: float = 10.0) -> float:
    """Seconds from launch to the marker on the screen; the app is then ended.

    Now and then (about 1 launch in 100, the bare app too) a launch draws nothing
    more: it is counted in ``stalls`` and launched again.
    """
    for _ in range(3):
        start = time.perf_counter()
        app = PtyApp(command, columns=120, rows=40)
        try:
            while not marker.search(app.output):
                if time.perf_counter() - start > timeout:
                    break
                time.sleep(0.002)
            else:
                return time.perf_counter() - start
        finally:
            app.close()
        STALLS[command[-1]] = STALLS.get(command[-1], 0) + 1
    raise SystemExit(f"{command}: no {marker.pattern!r} after {timeout} s, 3 times")


def compile_package() -> None:
    """Its bytecode, as ``pip install`` writes it: an editable install run with
    PYTHONDONTWRITEBYTECODE compiles every module at every launch (first frame 1.4-1.6x
    the bare app's instead of 1.1-1.2x; Textual's own came compiled)."""
    import compileall

    import mproc_tui

    compileall.compile_dir(os.path.dirname(mproc_tui.__file__), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--launches", type=int, default=7)
    arguments = parser.parse_args()
    os.environ.setdefault("XDG_CONFIG_HOME", "/tmp/mproc-tui-bench-config")  # not the user's
    compile_package()
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for command, marker in KINDS.values():
        launch(command, marker)  # warm the file cache: the first launch reads from disk
    for _ in range(arguments.launches):
        for kind, (command, marker) in KINDS.items():
            times[kind].append(launch(command, marker))
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    bare = medians["bare_first_frame"]
    print(
        json.dumps(
            {
                "launches": arguments.launches,
                **{f"{kind}_s": round(median, 3) for kind, median in medians.items()},
                **{
                    f"{kind}_spread_s": [round(min(values), 3), round(max(values), 3)]
                    for kind, values in times.items()
                },
                "first_frame_ratio": round(medians["first_frame"] / bare, 2),
                "demo_first_record_ratio": round(medians["demo_first_record"] / bare, 2),
                "stalls": STALLS,
            }
        )
    )


if __name__ == "__main__":
    main()
