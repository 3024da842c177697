"""The descriptor limit: the app takes the hard one, its workers keep the user's."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

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
    result = subprocess.run(
        [sys.executable, "-c", PROBE, start_method],
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
