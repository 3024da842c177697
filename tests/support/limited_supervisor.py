"""A supervisor under a low limit, asked for more workers than fit: prints one JSON line.

``python -m tests.support.limited_supervisor METHOD COUNT nofile|nproc|cgroup:PATH N``:
the descriptor limit (soft and hard) is N; or N more processes than now may start,
by ``RLIMIT_NPROC`` (not root) or by the pids control group at PATH (root, too).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import psutil

from mproc_tui.core.supervisor import Supervisor, SupervisorError, WorkerSpec
from tests.conftest import Collector

TICKING = WorkerSpec(target="mproc_tui.catalog:flood", kwargs={"records_per_second": 5})


def _limit(kind: str, amount: int) -> None:
    if kind == "nofile":
        resource.setrlimit(resource.RLIMIT_NOFILE, (amount, amount))
    elif kind == "nproc":
        mine = sum(p.num_threads() for p in psutil.process_iter() if p.uids().real == os.getuid())
        resource.setrlimit(resource.RLIMIT_NPROC, (mine + amount, mine + amount))
    else:
        group = kind.split(":", 1)[1]
        with open(os.path.join(group, "pids.current"), encoding="ascii") as current:
            now = int(current.read())
        with open(os.path.join(group, "pids.max"), "w", encoding="ascii") as maximum:
            maximum.write(str(now + amount))


def main() -> None:
    method, count, kind, amount = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    if kind.startswith("cgroup:"):
        with open(os.path.join(kind.split(":", 1)[1], "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))
    if kind == "nofile":
        _limit(kind, amount)  # before the supervisor: it raises its own to the hard one
    collector = Collector()
    supervisor = Supervisor(collector, start_method=method)
    if kind != "nofile":
        _limit(kind, amount)  # once its helpers and threads run
    started, refusals = [], []
    for _ in range(count):
        try:
            started.append(supervisor.spawn(TICKING))
        except SupervisorError as error:
            refusals.append(str(error))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not set(started) <= collector.last_seen.keys():
        time.sleep(0.05)
    mark = time.monotonic()  # every started worker has logged; do they go on?
    while time.monotonic() < deadline and not all(
        collector.last_seen.get(worker, 0) > mark + 0.5 for worker in started
    ):
        time.sleep(0.05)
    report = {
        "started": len(started),
        "refusals": sorted(set(refusals)),
        "refused": len(refusals),
        "running": len([s for s in supervisor.poll() if s.alive]),
        "logging": len([w for w in started if collector.last_seen.get(w, 0) > mark + 0.5]),
    }
    supervisor.shutdown(1.0)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
