"""Built-in worker targets, usable by name: ``mproc_tui.catalog:sleeper`` and friends.

``worker1`` and ``worker2`` are the lesson this product grew from: each logs
``start`` with ``logging.debug``, sleeps, and logs ``end``.
"""

from __future__ import annotations

import logging
import signal
import time


def sleeper(seconds: float = 2.0) -> None:
    """The lesson's worker: log ``start``, sleep, log ``end``."""
    logging.debug("start")
    time.sleep(seconds)
    logging.debug("end")


def worker1(seconds: float = 2.0) -> None:
    """First worker of the lesson (``Process-1``, a daemon in the second lesson)."""
    sleeper(seconds)


def worker2(seconds: float = 2.0) -> None:
    """Second worker of the lesson (``renamed worker``)."""
    sleeper(seconds)


def flood(
    records_per_second: float = 0.0,
    message_size: int = 80,
    count: int = 0,
    large_every: int = 0,
    large_size: int = 20_000,
) -> None:
    """Log numbered records as fast as asked (0 = as fast as possible), forever or ``count``.

    Every ``large_every``-th record is ``large_size`` characters long, to exercise
    records that span many pipe writes.
    """
    logger = logging.getLogger("flood")
    large_padding = "y" * large_size
    interval = 1.0 / records_per_second if records_per_second > 0 else 0.0
    next_time = time.monotonic()
    number = 0
    while count <= 0 or number < count:
        number += 1
        if large_every and number % large_every == 0:
            logger.info("record %d %s", number, large_padding)
        else:  # "record N xxx…", message_size characters in all
            head = f"record {number} "
            logger.info("%s%s", head, "x" * max(0, message_size - len(head)))
        if interval:
            next_time += interval
            delay = next_time - time.monotonic()
            if delay > 0:
                time.sleep(delay)


def crasher(after: float = 1.0) -> None:
    """Raise an uncaught exception after ``after`` seconds: exit code 1, traceback in the logs."""
    logging.info("crashing in %.1f s", after)
    time.sleep(after)
    raise RuntimeError("crasher worker failed on purpose")


def ignore_sigterm(seconds: float = 3600.0) -> None:
    """Ignore SIGTERM, so only SIGKILL ends it: shows why termination escalates."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.info("ignoring SIGTERM")
    time.sleep(seconds)


def printer(lines: int = 3, interval: float = 0.1) -> None:
    """Write to stdout and stderr with ``print``: captured into the log pane, not the screen."""
    import sys

    for number in range(1, lines + 1):
        print(f"stdout line {number}")
        print(f"stderr line {number}", file=sys.stderr)
        time.sleep(interval)


def cpu_burner(seconds: float = 3600.0) -> None:
    """Spin one core, so CPU % has something to show."""
    logging.info("burning CPU for %.0f s", seconds)
    deadline = time.monotonic() + seconds
    total = 0
    while time.monotonic() < deadline:
        total += sum(range(1000))
    logging.info("done burning")


def spawn_children(children: int = 2, seconds: float = 3600.0) -> None:
    """Start child processes of its own (a worker's children show under it later)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=time.sleep, args=(seconds,), name=f"child-{number}")
        for number in range(1, children + 1)
    ]
    for process in processes:
        process.start()
        logging.info("started %s (pid %s)", process.name, process.pid)
    for process in processes:
        process.join()


BUILT_INS = (
    "sleeper",
    "worker1",
    "worker2",
    "flood",
    "crasher",
    "ignore_sigterm",
    "printer",
    "cpu_burner",
    "spawn_children",
)
"""Names usable alone as a target: ``--target flood`` means ``mproc_tui.catalog:flood``."""
