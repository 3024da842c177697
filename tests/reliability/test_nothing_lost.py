"""Nothing lost: 8 workers log 50,000 numbered records each and exit normally."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from tests.conftest import Collector

MakeSupervisor = Callable[..., Supervisor]

WORKERS = 8
RECORDS = 50_000


@pytest.mark.slow
def test_every_record_of_400_000_arrives_in_order_within_each_worker(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    flood = WorkerSpec(
        target="mproc_tui.catalog:flood", kwargs={"count": RECORDS, "message_size": 40}
    )
    workers = [supervisor.spawn(flood) for _ in range(WORKERS)]
    for worker in workers:
        assert supervisor.join(worker, timeout=120) == 0
    for worker in workers:
        assert supervisor.wait_logs_drained(worker, 30)
    for worker in workers:
        numbers = [
            int(message.split()[1])
            for message in collector.messages(worker)
            if message.startswith("record ")
        ]
        assert numbers == list(range(1, RECORDS + 1)), f"worker {worker}: lost or reordered"
