"""A worker's own processes (a Pool, Processes that outlive its target) under every
start method: what they log arrives as records, named, until they end."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import psutil
import pytest

from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.workers import WorkerSpec
from tests.conftest import TESTS, Collector, wait_until

NESTED = TESTS / "support" / "nested_work.py"
METHODS = ["forkserver", "spawn", "fork"]
COMMAND = [sys.executable, "-m", "mproc_tui", "--no-tui"]


def _ended(supervisor: Supervisor, worker_id: int) -> bool:
    return supervisor.status(worker_id).exit_code is not None


@pytest.mark.parametrize("inner", METHODS)
def test_a_pool_in_a_file_target_works_and_its_records_arrive(
    start_method: str, inner: str, make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    supervisor = make_supervisor(start_method)
    worker = supervisor.spawn(WorkerSpec(target=f"{NESTED}:pool_user", args=(inner,)))
    wait_until(lambda: _ended(supervisor, worker), 60, "the worker to end")
    assert supervisor.wait_logs_drained(worker, timeout=30)
    status = supervisor.status(worker)
    entries = collector.of(worker)
    assert status.exit_code == 0, [entry.message for entry in entries]
    squares = [entry for entry in entries if entry.message.startswith("squaring")]
    assert sorted(entry.message for entry in squares) == [f"squaring {n}" for n in range(6)]
    assert all(entry.level_name == "DEBUG" for entry in squares)  # records, not [stderr] text
    assert all("PoolWorker-" in entry.process_name for entry in squares)
    assert {entry.pid for entry in squares}.isdisjoint({status.pid})
    assert "squares [0, 1, 4, 9, 16, 25]" in [entry.message for entry in entries]
    pool_pids = {entry.pid for entry in squares}
    assert pool_pids <= status.process_names.keys()


def test_children_that_outlive_the_target_keep_logging_until_they_end(
    start_method: str, make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    supervisor = make_supervisor(start_method)
    worker = supervisor.spawn(
        WorkerSpec(target=f"{NESTED}:spawn_and_return", args=(2.0, start_method))
    )
    wait_until(lambda: "returning" in collector.messages(worker), 30, "the target to return")
    status = supervisor.status(worker)
    assert status.pid is not None
    wait_until(
        lambda: {"kid-1", "kid-2"} <= set(supervisor.status(worker).process_names.values()),
        30,
        "the children's names",
    )
    names = supervisor.status(worker).process_names
    descendants = {process.pid for process in psutil.Process(status.pid).children(recursive=True)}
    assert {pid for pid, name in names.items() if name.startswith("kid-")} <= descendants
    wait_until(lambda: _ended(supervisor, worker), 60, "the worker to end")
    assert supervisor.wait_logs_drained(worker, timeout=30)
    messages = collector.messages(worker)
    assert messages.count("child end") == 2
    # (print output is text on the worker's stdout: two children's lines may run together)
    assert "".join(messages).count("child printed at the end") == 2
    assert supervisor.status(worker).exit_code == 0


def test_no_tui_waits_for_a_targets_children() -> None:
    result = subprocess.run(
        [*COMMAND, "--target", f"{NESTED}:spawn_and_return", "--args", '[1.5, "forkserver"]'],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("kid-1: child end") == 1
    assert result.stdout.count("kid-2: child end") == 1
