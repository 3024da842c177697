"""One row per worker: the supervisor's lifecycle joined with psutil's sample."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mproc_tui.core.sampler import ProcessSample, Sampler, SampleRequest
from mproc_tui.core.supervisor import Lifecycle, Supervisor, WorkerStatus


@dataclass(frozen=True, slots=True)
class WorkerRow:
    """What the table shows for a worker; immutable so it can cross threads."""

    worker_id: int
    pid: int | None
    name: str
    daemon: bool
    state: str
    exit_code: int | None
    cpu_percent: float | None
    rss: int | None
    uptime: float | None


def build_rows(
    statuses: Iterable[WorkerStatus],
    samples: Mapping[int, ProcessSample],
    now: float,
) -> list[WorkerRow]:
    """Live workers show psutil's state; ended ones show their lifecycle."""
    rows: list[WorkerRow] = []
    for status in statuses:
        sample = samples.get(status.worker_id) if status.alive else None
        if status.lifecycle is Lifecycle.RUNNING:
            state = sample.state if sample is not None else "starting"
        else:
            state = status.lifecycle.value
        end = status.ended_at if status.ended_at is not None else now
        rows.append(
            WorkerRow(
                worker_id=status.worker_id,
                pid=status.pid,
                name=status.name,
                daemon=status.daemon,
                state=state,
                exit_code=status.exit_code,
                cpu_percent=sample.cpu_percent if sample else None,
                rss=sample.rss if sample else None,
                uptime=end - status.started_at,
            )
        )
    return rows


def take_snapshot(supervisor: Supervisor, sampler: Sampler) -> list[WorkerRow]:
    """Poll the supervisor, sample the live processes, and join the two; blocking."""
    statuses = supervisor.poll()
    requests = {
        status.worker_id: SampleRequest(status.pid, status.started_at)
        for status in statuses
        if status.alive and status.pid is not None
    }
    samples = sampler.sample(requests)
    return build_rows(statuses, samples, time.time())
