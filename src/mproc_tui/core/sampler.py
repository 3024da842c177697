"""psutil sampling of worker processes into immutable snapshots.

``psutil.Process`` objects are kept between sweeps, because ``cpu_percent(None)``
measures against the previous call on the same object. A process that vanished,
is a zombie, or denies access is a normal event, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import psutil

# A process created this long before the worker was started is someone else's.
_CREATE_TIME_SLACK = 1.0


@dataclass(frozen=True, slots=True)
class ProcessSample:
    """psutil's view of one process at one moment."""

    pid: int
    state: str
    cpu_percent: float | None
    rss: int | None
    threads: int | None


@dataclass(frozen=True, slots=True)
class SampleRequest:
    """Which process to sample for a worker, and when the worker was started."""

    pid: int
    started_at: float


class Sampler:
    """Samples processes by worker id, never reporting a reused PID's figures."""

    def __init__(self) -> None:
        self._processes: dict[int, tuple[psutil.Process, float]] = {}

    def sample(self, requests: Mapping[int, SampleRequest]) -> dict[int, ProcessSample]:
        for worker_id in list(self._processes):
            if worker_id not in requests:
                del self._processes[worker_id]
        samples: dict[int, ProcessSample] = {}
        for worker_id, request in requests.items():
            sample = self._sample_one(worker_id, request)
            if sample is not None:
                samples[worker_id] = sample
        return samples

    def _sample_one(self, worker_id: int, request: SampleRequest) -> ProcessSample | None:
        cached = self._processes.get(worker_id)
        try:
            if cached is None or cached[0].pid != request.pid:
                process = psutil.Process(request.pid)
                create_time = process.create_time()
                if create_time < request.started_at - _CREATE_TIME_SLACK:
                    return None
                process.cpu_percent(None)  # first reading only sets the baseline
                self._processes[worker_id] = (process, create_time)
                first = True
            else:
                process, create_time = cached
                first = False
            with process.oneshot():
                if process.create_time() != create_time:  # the PID now names another process
                    del self._processes[worker_id]
                    return None
                state = process.status()
                cpu = None if first else process.cpu_percent(None)
                rss = process.memory_info().rss
                threads = process.num_threads()
            return ProcessSample(
                pid=request.pid, state=str(state), cpu_percent=cpu, rss=rss, threads=threads
            )
        except psutil.ZombieProcess:
            return ProcessSample(
                pid=request.pid, state="zombie", cpu_percent=None, rss=None, threads=None
            )
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            self._processes.pop(worker_id, None)
            return None
