"""The event loop's lag, beside the same timer in a plain process: the machine's own stalls.

On this 2-core virtual machine the host now and then stops a virtual CPU for
100-250 ms: a thread on it is then neither running, nor waiting to run, nor asleep
(its run time, run-queue delay and context switches in /proc stay still while the
clock moves on). The app's worst lag alone cannot tell such a stall from its own
work, so the benches run a yardstick beside it: a plain Python process (no Textual,
no workers) with the same 10 ms timer. Its worst lateness is the machine's, and
the app's worst lag outside the moments the yardstick also stalled is the app's.

Run as a module it is that yardstick: ``python -m tests.bench.lag FILE`` writes each
late tick (start and lateness, in ``time.monotonic`` seconds) to FILE until killed.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TICK = 0.01  # the timer both sides run
LATE = 0.02  # a tick later than this is written down
STALL = 0.05  # the yardstick late by this much: the machine stalled


async def timer_lateness(ticks: list[tuple[float, float]], done: asyncio.Event) -> None:
    """A 10 ms timer's lateness on the event loop: (when it was due, how late)."""
    due = time.monotonic() + TICK
    while not done.is_set():
        await asyncio.sleep(TICK)
        now = time.monotonic()
        ticks.append((due, now - due))
        due = now + TICK


class MachineYardstick:
    """The same timer in a plain process beside the app, for as long as the ``with``."""

    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="mproc-tui-yardstick-")
        self._file = Path(self._directory.name) / "late"
        self._process: subprocess.Popen[bytes] | None = None
        self.stalls: list[tuple[float, float]] = []  # the ticks later than LATE
        self.worst = float("nan")  # the latest tick of all

    def __enter__(self) -> MachineYardstick:
        self._file.touch()
        command = [sys.executable, "-m", "tests.bench.lag", str(self._file)]
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._process is not None
        self._process.terminate()
        self._process.wait()
        for due, lateness in (line.split() for line in self._file.read_text().splitlines()):
            if due == "worst":
                self.worst = float(lateness)
            else:
                self.stalls.append((float(due), float(lateness)))
        self._directory.cleanup()

    def overlaps(self, due: float, lateness: float) -> bool:
        """Whether the machine stalled while this tick of the app was late."""
        return any(
            start < due + lateness and start + stall > due
            for start, stall in self.stalls
            if stall >= STALL
        )

    def figures(self, ticks: list[tuple[float, float]]) -> dict[str, float]:
        """The app's worst lag, the yardstick's, and the app's outside the machine's stalls."""
        own = [lateness for due, lateness in ticks if not self.overlaps(due, lateness)]
        return {
            "worst_lag_ms": max(lateness for _, lateness in ticks) * 1000,
            "machine_worst_lag_ms": self.worst * 1000,
            "worst_lag_outside_machine_stalls_ms": max(own, default=0) * 1000,
        }


def _run(path: str) -> None:
    """The yardstick's loop: write down each late tick, and at SIGTERM the worst of all."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    worst = 0.0
    with open(path, "a", buffering=1) as out:
        try:
            due = time.monotonic() + TICK
            while True:
                time.sleep(TICK)
                now = time.monotonic()
                worst = max(worst, now - due)
                if now - due > LATE:
                    out.write(f"{due:.4f} {now - due:.4f}\n")
                due = now + TICK
        finally:
            out.write(f"worst {worst:.4f}\n")


if __name__ == "__main__":
    _run(sys.argv[1])
