"""psutil sampling of real processes: states, figures, and reused PIDs."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import os
import signal
import time

import pytest

from mproc_tui.core.sampler import Sampler
from mproc_tui.core.samples import SampleRequest, SweepPacer


def _sleep_forever() -> None:
    time.sleep(60)


def test_samples_a_live_process_and_reads_cpu_on_the_second_sweep() -> None:
    process = multiprocessing.get_context("fork").Process(target=_sleep_forever)
    process.start()
    try:
        assert process.pid is not None
        sampler = Sampler()
        request = {1: SampleRequest(process.pid, time.time() - 0.5)}
        first = sampler.sample(request)[1]
        assert first.state in ("sleeping", "running")
        assert first.cpu_percent is None  # no baseline yet
        assert first.rss and first.rss > 0
        second = sampler.sample(request)[1]
        assert second.cpu_percent is not None

        os.kill(process.pid, signal.SIGSTOP)
        time.sleep(0.1)
        assert sampler.sample(request)[1].state == "stopped"
        os.kill(process.pid, signal.SIGCONT)
    finally:
        process.kill()
        process.join()


def test_a_process_older_than_the_worker_is_not_reported() -> None:
    """A PID that now names a process created before our worker started is someone else's."""
    sampler = Sampler()
    parent = os.getpid()
    assert sampler.sample({1: SampleRequest(parent, time.time() + 60)}) == {}


def test_an_unreaped_child_shows_as_zombie() -> None:
    process = multiprocessing.get_context("fork").Process(target=os._exit, args=(0,))
    process.start()
    assert process.pid is not None
    time.sleep(0.3)  # exited, but nobody has called waitpid yet
    sample = Sampler().sample({1: SampleRequest(process.pid, time.time() - 5)})
    assert sample[1].state == "zombie"
    process.join()


def test_vanished_processes_are_dropped() -> None:
    process = multiprocessing.get_context("fork").Process(target=os._exit, args=(0,))
    process.start()
    process.join()
    assert process.pid is not None
    assert Sampler().sample({1: SampleRequest(process.pid, time.time() - 5)}) == {}


def _parent_of_two(ready: multiprocessing.synchronize.Event) -> None:
    """A process with a child that has a child of its own: a tree two deep."""
    context = multiprocessing.get_context("fork")
    grandchild_ready = context.Event()
    child = context.Process(target=_parent_of_one, args=(grandchild_ready,))
    child.start()
    grandchild_ready.wait(10)
    ready.set()
    time.sleep(60)


def _parent_of_one(ready: multiprocessing.synchronize.Event) -> None:
    context = multiprocessing.get_context("fork")
    grandchild = context.Process(target=_sleep_forever)
    grandchild.start()
    ready.set()
    time.sleep(60)


def test_samples_a_workers_descendants_as_a_tree_parent_first() -> None:
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    process = context.Process(target=_parent_of_two, args=(ready,))
    process.start()
    try:
        assert process.pid is not None and ready.wait(10)
        sampler = Sampler()
        request = {1: SampleRequest(process.pid, time.time() - 5)}
        sampler.sample(request)
        children = sampler.sample(request)[1].children
        assert [(child.depth, child.parent_pid) for child in children] == [
            (1, process.pid),
            (2, children[0].pid),
        ]
        assert all(child.state in ("sleeping", "running") for child in children)
        assert all(child.cpu_percent is not None and child.rss for child in children)
    finally:
        import psutil

        for child in psutil.Process(process.pid).children(recursive=True):
            child.kill()
        process.kill()
        process.join()


def test_a_known_create_time_decides_whose_pid_it_is_not_the_start_time() -> None:
    """Under load start() can return seconds after the fork: the worker is still ours."""
    process = multiprocessing.get_context("fork").Process(target=_sleep_forever)
    process.start()
    try:
        assert process.pid is not None
        import psutil

        created = psutil.Process(process.pid).create_time()
        late_start = time.time() + 30  # as if start() had returned 30 s after the fork
        sampler = Sampler()
        assert 1 in sampler.sample({1: SampleRequest(process.pid, late_start, created)})
        other = {2: SampleRequest(process.pid, time.time() - 5, created - 100)}
        assert Sampler().sample(other) == {}  # the same number, another process
    finally:
        process.kill()
        process.join()


def test_sweeps_keep_to_their_share_of_the_time_and_a_small_one_waits_little() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = SweepPacer(share=0.1, least=0.05, clock=lambda: now[0], sleep=sleep)
    pacer.wait_turn()
    assert slept == []  # the first sweep starts at once
    pacer.swept(0.1)  # a sweep of 1,000 workers: 10 % of the time means 0.9 s apart
    now[0] += 0.2
    pacer.wait_turn()
    assert slept == [pytest.approx(0.7)]
    pacer.swept(0.001)  # a few workers: the least gap
    pacer.wait_turn()
    assert slept[-1] == pytest.approx(0.05)
