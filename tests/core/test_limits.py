"""The descriptor limit: the app takes the hard one, its workers keep the user's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mproc_tui.core.limits import USERS_LIMIT_VARIABLE
from tests.conftest import TESTS

PROBE = textwrap.dedent(
    """
    import json, resource, sys, time
    import psutil
    from mproc_tui.core.supervisor import Supervisor, WorkerSpec

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if __name__ == "__main__":
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))  # a desktop's low soft limit
        supervisor = Supervisor(lambda batch: None, start_method=sys.argv[1])
        worker = supervisor.spawn(WorkerSpec(args=(30,)))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = next(s for s in supervisor.poll() if s.worker_id == worker)
            if status.pid is not None:
                break
            time.sleep(0.05)
        limit = None
        while time.monotonic() < deadline and limit != 256:  # set as the worker starts
            limit = psutil.Process(status.pid).rlimit(psutil.RLIMIT_NOFILE)[0]
            time.sleep(0.05)
        app = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        supervisor.shutdown(1.0)
        from mproc_tui.core.program import ProgramCommand, ProgramRun
        lines = []
        command = ProgramCommand(sys.executable, "tests/support/programs/prints_its_limit.py")
        run = ProgramRun(command, lambda batch: lines.extend(e.message for e in batch), 10)
        run.start()
        run.ended.wait(30)
        run.shutdown(1.0)
        program = next((int(l.split()[-1]) for l in lines if l.startswith("soft limit")), None)
        print(json.dumps({"app": app, "hard": hard, "worker": limit, "program": program}))
    """
)


def test_the_app_raises_its_own_limit_and_its_workers_keep_the_users(start_method: str) -> None:
    # (this test's own process may have noted a limit already: its note is inherited)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, start_method],
        env={**os.environ, USERS_LIMIT_VARIABLE: "20000"},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=TESTS.parent,
    )
    assert result.returncode == 0, result.stderr
    limits = json.loads(result.stdout.strip().splitlines()[-1])
    assert limits["app"] == limits["hard"]
    assert limits["worker"] == 256
    assert limits["program"] == 256  # mproc-tui run: the watched program's too


PROBE_MODULE = [sys.executable, "-m", "tests.support.limited_supervisor"]


def _limited(start_method: str, count: int, kind: str, amount: int) -> dict[str, Any]:
    result = subprocess.run(
        [*PROBE_MODULE, start_method, str(count), kind, str(amount)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=TESTS.parent,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def _carried_on(report: dict[str, Any], count: int, limit_words: str) -> None:
    """Some started, the rest were refused in words, and every started one still logs."""
    assert report["started"] >= 3, report
    assert report["started"] + report["refused"] == count
    assert report["refused"] > 0, report
    assert all(limit_words in refusal for refusal in report["refusals"]), report
    assert report["running"] == report["logging"] == report["started"], report


def test_at_the_descriptor_limit_a_start_is_refused_and_the_running_carry_on(
    start_method: str,
) -> None:
    # (before: the fork server exited on a start cut short, and every worker with it)
    report = _limited(start_method, 80, "nofile", 150)
    _carried_on(report, 80, "file descriptors")


@pytest.fixture
def process_limit() -> Iterator[tuple[str, str]]:
    """A limit on processes that binds this test: ``RLIMIT_NPROC``, or for root (whom it
    never binds) a pids control group of its own, as a container's or systemd's."""
    if os.getuid() != 0:
        yield "nproc", "ulimit -u"
        return
    parents = ["/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"]
    for parent in parents:
        group = os.path.join(parent, f"mproc-tui-test-{os.getpid()}")
        try:
            os.mkdir(group)
        except OSError:
            continue
        if os.path.exists(os.path.join(group, "pids.max")):
            break
        os.rmdir(group)
    else:
        pytest.skip("root, and no pids control group to make: no process limit can bind")
    yield f"cgroup:{group}", "pids.max"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # empty once its last process is reaped
        try:
            os.rmdir(group)
            return
        except OSError:
            time.sleep(0.1)


def test_at_the_process_limit_a_start_is_refused_and_the_running_carry_on(
    start_method: str, process_limit: tuple[str, str]
) -> None:
    kind, words = process_limit
    report = _limited(start_method, 30, kind, 60)
    _carried_on(report, 30, words)
