"""The exit policy with real workers: daemons first, then wait or terminate, cancellable."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from mproc_tui.core.exit_policy import ExitPolicy, ExitReport, ExitStage
from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.workers import Lifecycle, StopReport, WorkerSpec
from tests.conftest import Collector, wait_until

MakeSupervisor = Callable[..., Supervisor]
STUBBORN = WorkerSpec(target="mproc_tui.catalog:ignore_sigterm")


def test_daemons_end_first_and_the_others_are_left_to_the_second_step(
    make_supervisor: MakeSupervisor,
) -> None:
    supervisor = make_supervisor()
    daemon = supervisor.spawn(WorkerSpec(args=(60,), daemon=True))
    other = supervisor.spawn(WorkerSpec(args=(60,)))
    policy = ExitPolicy(lambda: supervisor, grace=1.0)
    assert policy.stage is ExitStage.RUNNING
    assert policy.begin()
    assert not policy.begin()  # one exit at a time
    seen: list[StopReport] = []
    report = policy.end_daemons(seen.append)
    assert report == StopReport(signalled=1, escalated=0, ended=1)
    assert seen and seen[0].signalled == 1
    assert policy.stage is ExitStage.ASKING
    assert supervisor.status(daemon).exit_code == -15
    assert supervisor.status(other).alive
    assert policy.others() == [other]


def test_cancel_between_the_steps_goes_back_to_running(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    other = supervisor.spawn(WorkerSpec(args=(60,)))
    policy = ExitPolicy(lambda: supervisor, grace=1.0)
    policy.begin()
    policy.end_daemons()
    policy.cancel()
    assert policy.stage is ExitStage.RUNNING
    assert supervisor.status(other).alive
    assert policy.begin()  # a later q starts a new exit


def test_waiting_joins_workers_that_end_by_themselves(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    workers = [supervisor.spawn(WorkerSpec(args=(seconds,))) for seconds in (0.3, 0.8)]
    policy = ExitPolicy(lambda: supervisor, grace=1.0)
    policy.begin()
    policy.end_daemons()
    counts: list[tuple[int, ...]] = []
    policy.choose(wait=True)
    assert policy.stage is ExitStage.WAITING
    report = policy.end_others(on_wait=lambda ended, total: counts.append((ended, total)))
    assert report.waited == 2
    assert report.terminated.signalled == 0
    assert policy.stage is ExitStage.DONE
    assert [supervisor.status(worker).exit_code for worker in workers] == [0, 0]
    assert counts[0][1] == 2 and counts[-1] == (2, 2)
    for worker in workers:
        assert supervisor.wait_logs_drained(worker, 5)
        assert collector.messages(worker) == ["start", "end"]


def test_terminate_instead_cuts_a_wait_short(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(WorkerSpec(args=(60,)))
    policy = ExitPolicy(lambda: supervisor, grace=1.0)
    assert not policy.terminate_instead()  # nothing to cut short yet
    policy.begin()
    policy.end_daemons()
    policy.choose(wait=True)
    reports: list[ExitReport] = []
    waiting = threading.Thread(target=lambda: reports.append(policy.end_others()))
    waiting.start()
    wait_until(lambda: supervisor.status(worker).lifecycle is Lifecycle.JOINING, 10, "the join")
    assert policy.terminate_instead()
    waiting.join(timeout=15)
    assert not waiting.is_alive()
    assert supervisor.status(worker).exit_code == -15
    assert policy.stage is ExitStage.DONE
    assert reports[0].terminated.signalled == 1


def test_q_again_before_the_wait_has_begun_still_terminates(
    make_supervisor: MakeSupervisor,
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(WorkerSpec(args=(60,)))
    policy = ExitPolicy(lambda: supervisor, grace=1.0)
    policy.begin()
    policy.end_daemons()
    policy.choose(wait=True)  # on the event loop, the moment the dialog is answered
    assert policy.terminate_instead()  # q again before the thread starts waiting
    report = policy.end_others()
    assert report.terminated.signalled == 1
    assert supervisor.status(worker).exit_code == -15


def test_terminating_escalates_after_the_grace_period(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    stubborn = supervisor.spawn(STUBBORN)
    wait_until(
        lambda: any("ignoring SIGTERM" in m for m in collector.messages(stubborn)), 10, "ready"
    )
    policy = ExitPolicy(lambda: supervisor, grace=0.5)
    seen: list[StopReport] = []
    policy.begin()
    policy.end_daemons()
    policy.choose(wait=False)
    assert policy.stage is ExitStage.TERMINATING
    assert not policy.terminate_instead()  # nothing to cut short
    report = policy.end_others(on_stop=seen.append)
    assert report.waited == 0
    assert report.terminated == StopReport(signalled=1, escalated=1, ended=1)
    assert any(progress.escalated == 1 for progress in seen)
    assert supervisor.status(stubborn).exit_code == -9


def test_run_does_both_steps_without_asking(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    daemon = supervisor.spawn(WorkerSpec(args=(60,), daemon=True))
    short = supervisor.spawn(WorkerSpec(args=(0.3,)))
    report = ExitPolicy(lambda: supervisor, grace=1.0).run(wait=True)
    assert report.waited == 1
    assert supervisor.status(daemon).exit_code == -15
    assert supervisor.status(short).exit_code == 0


def test_run_without_waiting_terminates_everyone_in_one_grace_period(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    stubborn = [supervisor.spawn(STUBBORN), supervisor.spawn(replace(STUBBORN, daemon=True))]
    wait_until(
        lambda: all(any("ignoring" in m for m in collector.messages(w)) for w in stubborn),
        10,
        "both ignoring SIGTERM",
    )
    policy = ExitPolicy(lambda: supervisor, grace=0.5)
    report = policy.run(wait=False)
    assert report.terminated == StopReport(signalled=2, escalated=2, ended=2)  # one stop
    assert policy.stage is ExitStage.DONE
