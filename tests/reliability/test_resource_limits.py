"""The descriptor limit in a real terminal: ask for more workers than fit, as a user with
``ulimit -n`` set low would. The rest are refused and said so, the started ones run on,
the app answers keys, and quitting leaves nothing behind."""

from __future__ import annotations

import sys
import time

from tests.support.pty_app import PtyApp, alive, app_command

LIMITED = (  # sets a low soft and hard limit, then runs the app in its place
    "import os, resource, sys; resource.setrlimit(resource.RLIMIT_NOFILE, (160, 160)); "
    "os.execvp(sys.argv[1], sys.argv[1:])"
)
TICKING = ["--target", "flood", "--kwargs", '{"records_per_second": 5}', "--count", "100"]


def test_workers_beyond_the_descriptor_limit_are_refused_and_the_rest_run_on() -> None:
    app = PtyApp([sys.executable, "-c", LIMITED, *app_command(*TICKING, "--grace", "1")])
    try:
        app.wait_output("descriptors", timeout=60)  # "Started 40 of 100 workers: ... file
        app.wait_output("of 100 workers")  #          descriptors (about 4 a worker; ...)"
        workers = app.workers()
        assert 3 <= len(workers) < 100
        app.press("?")  # the app still answers
        app.wait_output("Keys")
        app.press("\x1b")
        assert len(alive(workers)) == len(workers)  # none of the started ones failed
        everything = app.descendants()
        app.press("q")
        app.wait_output("still running")
        app.press("t")
        app.wait_exit(timeout=30)
        deadline = time.monotonic() + 5.0
        while alive(everything) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(everything)
    finally:
        app.close()
