"""Long stops and joins report how far they have got: real workers, real waits."""

from __future__ import annotations

from collections.abc import Callable

from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.workers import StopReport, WorkerSpec
from tests.conftest import wait_until

MakeSupervisor = Callable[..., Supervisor]


def test_a_stop_reports_each_ending_and_the_escalation(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    stubborn = [
        supervisor.spawn(WorkerSpec(target="mproc_tui.catalog:ignore_sigterm")) for _ in range(2)
    ]
    polite = [supervisor.spawn(WorkerSpec(args=(60,))) for _ in range(3)]
    wait_until(lambda: supervisor.records_received >= 5, 10, "every worker to log its start")
    reports: list[StopReport] = []

    final = supervisor.stop([*stubborn, *polite], grace=2.0, on_progress=reports.append)

    assert final == StopReport(signalled=5, escalated=2, ended=5)
    # While waiting out the grace period: the polite ones end, nobody is escalated yet.
    during_grace = [report for report in reports if report.escalated == 0]
    assert during_grace, reports
    assert during_grace[-1].ended == 3
    # Then the two that ignored SIGTERM are escalated and end too.
    escalated = [report for report in reports if report.escalated == 2]
    assert escalated, reports
    assert escalated[0].ended >= 3
    assert [report.ended for report in reports] == sorted(report.ended for report in reports)


def test_a_join_reports_how_many_have_ended(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    worker_ids = [supervisor.spawn(WorkerSpec(args=(seconds,))) for seconds in (0.2, 0.6, 1.0)]
    counts: list[int] = []

    assert supervisor.join_many(worker_ids, timeout=20, on_progress=counts.append)

    assert counts[0] < 3
    assert counts[-1] == 3
    assert counts == sorted(counts)
    assert all(supervisor.status(worker_id).exit_code == 0 for worker_id in worker_ids)


def test_a_join_that_times_out_says_so_with_its_count(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    worker_ids = [supervisor.spawn(WorkerSpec(args=(seconds,))) for seconds in (0.1, 60)]
    counts: list[int] = []

    assert not supervisor.join_many(worker_ids, timeout=2.0, on_progress=counts.append)

    assert counts[-1] == 1
