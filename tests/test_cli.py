"""The command line: bad input gets one readable line and exit status 2, never a traceback."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.conftest import TESTS, support_target

BAD = TESTS / "support" / "bad_targets"

BAD_ARGUMENTS = [
    (["--refresh", "0"], "'0' is 0: give more than 0 seconds"),
    (["--refresh", "soon"], "is not a number"),
    (["--sleep", "-1"], "'-1' is negative: give 0 or more seconds"),
    (["--sleep", "inf"], "'inf' is not a finite number of seconds"),
    (["--grace", "nan"], "'nan' is not a number of seconds"),
    (["--sleep", "nan", "--demo"], "'nan' is not a number of seconds"),
    (["--no-tui", "--target", ""], "--target is empty"),
    (["--no-tui", "--target", "  "], "--target is empty"),
    (["--max-log-lines", "0"], "must be at least 1"),
    (["--max-log-lines", "many"], "is not a whole number"),
    (["--start-method", "thread"], "invalid choice"),
    (["--level", "LOUD"], "is not one of DEBUG"),
    (["--no-such-option"], "unrecognized arguments"),
    (["--no-tui", "--target", "no_such_module_xyz:run"], "cannot import 'no_such_module_xyz'"),
    (["--no-tui", "--target", f"{BAD}/raises_on_import.py:run"], "raised RuntimeError"),
    (["--no-tui", "--target", "mproc_tui.catalog:nothing"], "has no attribute 'nothing'"),
    (["--no-tui", "--target", f"{BAD}/not_callable.py:work"], "is not callable"),
    (["--no-tui", "--target", "no/such/file.py:run"], "does not exist"),
    (["--no-tui", "--target", "sleeper", "--args", "[2"], "must be a Python literal"),
    (["--no-tui", "--target", "sleeper", "--args", "2"], "args must be a list"),
    (["--no-tui", "--target", "sleeper", "--kwargs", "[1]"], "kwargs must be a dict"),
    (["--no-tui", "--target", "sleeper", "--count", "0"], "count must be at least 1"),
    (["--no-tui", "--target", "sleeper", "--count", "two"], "whole number"),
    (["--no-tui", "--target", "crasher", "--target", "sleeper"], "--target: given twice"),
    (["--config", "a.toml", "--config", "b.toml"], "--config: given twice"),
    (["--target", "sleeper", "--args", "[1]", "--args", "[2]"], "--args: given twice"),
    (["--no-tui"], "--no-tui needs workers"),
    (["--demo", "--target", "sleeper"], "choose one of --demo / --target"),
    (["--config", "/no/such/workers.toml"], "cannot read"),
    (["--no-tui", "--demo", "--log-file", "/no/such/dir/log.jsonl"], "cannot open --log-file"),
    (["--restart", "sometimes"], "restart must be one of no, on-failure, always"),
    (["--max-restarts", "-1"], "max_restarts must be 0 or more"),
    (["--backoff", "soon"], "--backoff must be a number of seconds"),
    (["--backoff-max", "-2"], "--backoff-max must be between 0 and 86400"),
    (["--max-rss", "lots"], "max_rss must be a size such as 500MB"),
    (["--max-rss", "100"], "max_rss must be at least 1MiB"),
]


def _run(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return _run_command([sys.executable, "-m", "mproc_tui", *arguments], cwd)


def _run_command(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )


@pytest.mark.parametrize(("arguments", "message"), BAD_ARGUMENTS)
def test_bad_arguments_get_one_line_and_status_2(arguments: list[str], message: str) -> None:
    result = _run(*arguments)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mproc-tui: error:")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_help_answers_through_python_dash_m() -> None:
    result = _run("--help")
    assert result.returncode == 0
    assert "--start-method" in result.stdout
    assert "--demo" in result.stdout


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "workers.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[worker]]\ntarget = "sleeper"\nargs = [2\n', "line 3"),
        ('[[worker]]\ntarget = "sleeper"\nreplicas = 2\n', "unknown key 'replicas'"),
        ('[[worker]]\ntarget = "sleeper"\ndaemon = "yes"\n', "'daemon' must be true or false"),
        ('[[worker]]\ntarget = "nosuch_xyz:run"\n', "line 2: [[worker]] #1: cannot import"),
    ],
)
def test_config_errors_on_the_command_line(tmp_path: Path, text: str, message: str) -> None:
    """(A bad target in a config is named with its file, line and table too.)"""
    result = _run("--no-tui", "--config", _config(tmp_path, text))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_no_tui_demo_prints_the_lesson_and_exits_zero() -> None:
    result = _run("--no-tui", "--demo")
    assert result.returncode == 0, result.stderr
    lines = [line.split(None, 2)[2] for line in result.stdout.splitlines()]
    assert sorted(lines) == sorted(
        ["Process-1: start", "renamed worker: start", "Process-1: end", "renamed worker: end"]
    )
    assert lines.index("Process-1: start") < lines.index("Process-1: end")


def test_target_with_args_and_count_starts_that_many(tmp_path: Path) -> None:
    result = _run(
        "--no-tui", "--target", support_target("exit_with"), "--args", "[0]", "--count", "3"
    )
    assert result.returncode == 0, result.stderr
    names = {line.split()[2].rstrip(":") for line in result.stdout.splitlines()}
    assert names == {"Process-1", "Process-2", "Process-3"}


def test_a_failing_worker_makes_no_tui_exit_non_zero() -> None:
    result = _run("--no-tui", "--target", "crasher", "--args", "[0]")
    assert result.returncode == 1
    assert "RuntimeError: crasher worker failed on purpose" in result.stdout


def test_config_file_gives_names_daemon_flags_and_start_method(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        """
start_method = "spawn"

[[worker]]
target = "mproc_tui.catalog:worker1"
args = [0.2]
daemon = true

[[worker]]
target = "worker2"
args = [0.5]
name = "renamed worker"
count = 2
""",
    )
    log = tmp_path / "records.jsonl"
    result = _run("--no-tui", "--config", config, "--log-file", str(log))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    workers = {record["worker"] for record in records}
    assert workers == {"Process-1", "renamed worker"}
    assert sum(record["message"] == "start" for record in records) == 3


def test_log_file_holds_every_record_received_no_more_no_fewer(tmp_path: Path) -> None:
    log = tmp_path / "records.jsonl"
    result = _run(
        "--no-tui",
        "--target",
        "flood",
        "--kwargs",
        '{"count": 2000, "large_every": 100}',
        "--count",
        "2",
        "--log-file",
        str(log),
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in log.read_text().splitlines()]
    printed = [line for line in result.stdout.splitlines() if ": record " in line]
    assert len(records) == len(printed) == 4000
    for worker in ("Process-1", "Process-2"):
        numbers = [
            int(record["message"].split()[1]) for record in records if record["worker"] == worker
        ]
        assert numbers == list(range(1, 2001))
    first = records[0]
    assert {"time", "worker", "pid", "level", "logger", "message"} <= set(first)


@pytest.mark.parametrize("start_method", ["forkserver", "spawn", "fork"])
def test_a_file_target_is_relative_to_the_working_directory(start_method: str) -> None:
    result = _run(
        "--no-tui",
        "--start-method",
        start_method,
        "--target",
        "targets.py:exit_with",
        "--args",
        "[0]",
        cwd=TESTS / "support",
    )
    assert result.returncode == 0, result.stderr
    assert "Process-1: exiting with 0" in result.stdout


def test_ctrl_c_terminates_the_workers_of_no_tui() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mproc_tui", "--no-tui", "--target", "sleeper", "--args", "[60]"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # the worker has started and logged
        assert "Process-1: start" in line
        workers = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 130
        psutil.wait_procs(workers, timeout=5)
        assert not [w for w in workers if w.is_running() and w.status() != "zombie"]
    finally:
        if process.poll() is None:
            process.kill()


def test_a_log_file_that_fails_never_silences_the_records() -> None:
    result = _run("--no-tui", "--target", "sleeper", "--args", "[0.1]", "--log-file", "/dev/full")
    assert result.returncode == 0
    assert "Process-1: start" in result.stdout and "Process-1: end" in result.stdout
    assert result.stderr.count("\n") == 1
    assert "writing stopped" in result.stderr


def test_no_tui_names_the_worker_that_failed_and_how() -> None:
    result = _run("--no-tui", "--target", "crasher", "--args", "[0.1]", "--name", "nightly report")
    assert result.returncode == 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("mproc-tui: ")]
    assert len(failures) == 1, result.stderr
    assert "nightly report (pid " in failures[0]
    assert failures[0].endswith("failed with exit code 1")


LIMITED = (  # a low soft and hard descriptor limit, then the command in its place
    "import os, resource, sys; resource.setrlimit(resource.RLIMIT_NOFILE, ({0}, {0})); "
    "os.execvp(sys.argv[1], sys.argv[1:])"
)


def _limited(descriptors: int, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mproc_tui", *arguments]
    return _run_command([sys.executable, "-c", LIMITED.format(descriptors), *command])


def test_no_tui_with_no_room_for_one_worker_says_so_in_one_line_and_exits_2() -> None:
    result = _limited(20, "--no-tui", "--target", "sleeper", "--args", "[1]", "--count", "20")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "file descriptors" in lines[0], result.stderr


def test_no_tui_runs_the_workers_that_fit_and_says_how_many_did() -> None:
    result = _limited(40, "--no-tui", "--target", "sleeper", "--args", "[1]", "--count", "20")
    assert result.returncode == 1, result.stderr  # not all that were asked for ran
    said = [line for line in result.stderr.splitlines() if "of 20 workers" in line]
    assert len(said) == 1 and "file descriptors" in said[0], result.stderr
    started = int(said[0].split("started ")[1].split()[0])
    assert 1 <= started < 20
    assert result.stdout.count(": end") == started  # each ran to its end
