"""--no-tui honours a restart policy: a line per restart, an end when nothing can run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


def test_the_crasher_runs_four_times_with_growing_gaps_and_exits_1() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mproc_tui",
            "--no-tui",
            "--target",
            "crasher",
            "--args",
            "[0.1]",
            "--restart",
            "on-failure",
            "--max-restarts",
            "3",
            "--backoff",
            "0.5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("Process-1: crashing in 0.1 s") == 4  # one row: its name stays
    assert "Traceback" not in result.stderr
    said = [line for line in result.stderr.splitlines() if "restart" in line]
    assert [re.sub(r"pid \d+", "pid N", line) for line in said] == [
        "mproc-tui: Process-1 (pid N) failed with exit code 1: restart 1 of 3 in 0.5 s",
        "mproc-tui: Process-1 (pid N) failed with exit code 1: restart 2 of 3 in 1 s",
        "mproc-tui: Process-1 (pid N) failed with exit code 1: restart 3 of 3 in 2 s",
        "mproc-tui: Process-1 (pid N) failed with exit code 1: no more restarts (3 of 3 in a row)",
    ]
    pids = re.findall(r"pid (\d+)", "\n".join(said))
    assert len(set(pids)) == 4  # four processes


def test_a_config_sets_policies_per_worker(tmp_path: Path) -> None:
    config = tmp_path / "workers.toml"
    config.write_text(
        "[[worker]]\n"
        'target = "crasher"\nargs = [0.1]\nname = "flaky"\n'
        'restart = "on-failure"\nmax_restarts = 1\nbackoff = 0.2\n'
        "\n[[worker]]\n"
        'target = "sleeper"\nargs = [0.1]\nname = "steady"\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "mproc_tui", "--no-tui", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1
    assert result.stdout.count("flaky: crashing") == 2
    assert result.stdout.count("steady: start") == 1  # no policy: it runs once
    assert "flaky (pid" in result.stderr and "restart 1 of 1 in 0.2 s" in result.stderr
