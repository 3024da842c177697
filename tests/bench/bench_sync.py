"""The cost of watching a lock: an acquire + release pair, watched against bare.

Run as a plain script (not part of the test run):

    python -m tests.bench.bench_sync            # 7 rounds of 200,000 pairs each way

Both locks live in this process, side by side: one made before the agent's patch (its
acquire and release are multiprocessing's own, in C), one after (they write the
holder into the shared file, as in a watched program). The rounds alternate between
them. Prints one JSON object: the median cost of a pair each way (``with lock:`` and
``acquire(); release()``), in microseconds, and the watched one's extra (bar: <= 1 us).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing.synchronize
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from mproc_tui.agent import mproc_tui_agent_sync as agent_sync
from mproc_tui.core.sync_table import SyncFile


def with_block(lock: Any, pairs: int) -> float:
    start = time.perf_counter()
    for _ in range(pairs):
        with lock:
            pass
    return (time.perf_counter() - start) / pairs * 1e6


def calls(lock: Any, pairs: int) -> float:
    acquire, release = lock.acquire, lock.release
    start = time.perf_counter()
    for _ in range(pairs):
        acquire()
        release()
    return (time.perf_counter() - start) / pairs * 1e6


def measure(rounds: int, pairs: int) -> dict[str, float]:
    context = multiprocessing.get_context("fork")
    bare = context.Lock()
    directory = tempfile.mkdtemp(prefix="mproc-tui-bench-sync-")
    shared = SyncFile(directory)
    os.environ[agent_sync.SYNC_VARIABLE] = shared.path
    agent_sync.patch(multiprocessing.synchronize)
    watched = context.Lock()
    assert watched.acquire is not watched._semlock.acquire, "the watched lock is not watched"
    ways: dict[str, Callable[[Any, int], float]] = {"with": with_block, "calls": calls}
    timings: dict[str, list[float]] = {f"{way}_{which}": [] for way in ways for which in "bw"}
    for _ in range(rounds):
        for way, run in ways.items():
            timings[f"{way}_b"].append(run(bare, pairs))
            timings[f"{way}_w"].append(run(watched, pairs))
    shared.close()
    result: dict[str, float] = {}
    for way in ways:
        bare_us = statistics.median(timings[f"{way}_b"])
        watched_us = statistics.median(timings[f"{way}_w"])
        extras = [w - b for w, b in zip(timings[f"{way}_w"], timings[f"{way}_b"], strict=True)]
        result[f"{way}_bare_us"] = bare_us
        result[f"{way}_watched_us"] = watched_us
        result[f"{way}_extra_us"] = watched_us - bare_us
        result[f"{way}_extra_worst_us"] = max(extras)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=200_000)
    arguments = parser.parse_args()
    figures = measure(arguments.rounds, arguments.pairs)
    print(json.dumps({key: round(value, 3) for key, value in figures.items()}))


if __name__ == "__main__":
    main()
