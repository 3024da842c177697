"""psutil sampling of real processes: states, figures, and reused PIDs."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

from mproc_tui.core.sampler import Sampler, SampleRequest


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
