"""mproc-tui run, without a screen: real programs, unchanged, and every process they start."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil
import pytest

from mproc_tui.core.agent_hello import HELLO_VARIABLE
from mproc_tui.core.program import MAIN_NAME, ProgramCommand, ProgramRun
from mproc_tui.core.program_check import check_program
from mproc_tui.core.records import LogEntry
from tests.conftest import Collector, wait_until

PROGRAMS = Path(__file__).parents[1] / "support" / "programs"


def _finished(run: ProgramRun, collector: Collector, records: int, logger: str = "root") -> None:
    assert run.ended.wait(30), "the program did not end"
    wait_until(
        lambda: sum(entry.logger_name == logger for entry in collector.entries) >= records,
        10,
        f"{records} records of {logger}",
    )


def test_the_lesson_runs_unchanged_under_every_start_method(
    run_program, collector: Collector, start_method: str
) -> None:
    run = run_program("lesson_process.py", start_method=start_method)
    _finished(run, collector, 4)
    assert run.returncode == 0
    statuses = {status.name: status for status in run.poll()}
    assert set(statuses) == {MAIN_NAME, "Process-1", "renamed worker"}
    for name in ("Process-1", "renamed worker"):
        assert statuses[name].kind == "Process"
        assert not statuses[name].daemon
        assert statuses[name].parent_pid == run.pid
        assert statuses[name].start_method == start_method
        assert statuses[name].exit_code == 0
    assert statuses[MAIN_NAME].kind == "Main" and statuses[MAIN_NAME].exit_code == 0
    records = [
        (entry.process_name, entry.message)
        for entry in collector.entries
        if entry.logger_name == "root"
    ]
    assert sorted(records) == sorted(
        [(name, step) for name in ("Process-1", "renamed worker") for step in ("start", "end")]
    )
    # Each record belongs to its process's row; the program's own console output
    # (basicConfig's stream handler) arrives too, captured line by line.
    rows = {status.pid: status.row_id for status in statuses.values()}
    assert all(entry.worker_id == rows[entry.pid] for entry in collector.entries)
    printed = [entry.message for entry in collector.entries if entry.logger_name == "stderr"]
    assert "renamed worker: start" in printed and "Process-1: end" in printed


def test_the_daemon_lesson_shows_the_daemon_flag(run_program, collector: Collector) -> None:
    run = run_program("lesson_daemon.py")
    _finished(run, collector, 4)
    daemons = {status.name: status.daemon for status in run.poll()}
    assert daemons == {MAIN_NAME: False, "Process-1": True, "renamed worker": False}


@pytest.mark.parametrize(
    ("script", "kind", "names", "logger", "records"),
    [
        (
            "pool_program.py",
            "Pool",
            {"PoolWorker-1", "PoolWorker-2", "PoolWorker-3"},
            "squares",
            [*(f"squaring {n}" for n in range(6)), "total 55"],
        ),
        (
            "executor_program.py",
            "Executor",
            {"Process-1", "Process-2"},
            "cubes",
            [*(f"cubing {n}" for n in range(4)), "total 36"],
        ),
        (
            "manager_program.py",
            "Manager",
            {"SyncManager-1"},
            "shared",
            ["shared [('a', 'A'), ('b', 'B')]", "stored a", "stored b"],
        ),
    ],
)
def test_pools_executors_and_managers_are_seen_with_their_names(
    run_program,
    collector: Collector,
    start_method: str,
    script: str,
    kind: str,
    names: set[str],
    logger: str,
    records: list[str],
) -> None:
    run = run_program(script, start_method=start_method)
    assert run.ended.wait(30)

    def of(main: bool) -> list[LogEntry]:
        return [
            e
            for e in collector.entries
            if e.logger_name == logger and (e.process_name == MAIN_NAME) == main
        ]

    # Records of processes that ended come when their streams end: wait for all.
    def messages() -> list[str]:
        return sorted(entry.message for entry in of(main=True) + of(main=False))

    wait_until(lambda: messages() == sorted(records), 10, "every record, once")
    assert run.returncode == 0
    made = {status.name for status in run.poll() if status.kind == kind}
    prefix = {"fork": "Fork", "spawn": "Spawn", "forkserver": "ForkServer"}[start_method]
    expected = {f"{prefix}{name}" if kind != "Manager" else name for name in names}
    assert expected <= made, made
    by_pid = {status.pid: status.name for status in run.poll()}
    workers = of(main=False)
    assert all(by_pid[e.pid] == e.process_name for e in workers)


def test_nothing_of_the_program_outlives_a_shutdown(run_program, collector: Collector) -> None:
    run = run_program("pool_program.py", "1000000")  # a Pool busy for a long time
    wait_until(
        lambda: sum(status.kind == "Pool" for status in run.poll()) == 3, 20, "the Pool's workers"
    )
    pids = [status.pid for status in run.poll()]
    run.shutdown(grace=1.0)
    wait_until(lambda: not any(psutil.pid_exists(pid) and _alive(pid) for pid in pids), 10, "none")
    assert run.returncode is not None


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _isolating_python(tmp_path: Path) -> str:
    """An interpreter wrapper that adds -I: PYTHONPATH ignored, so no agent loads."""
    wrapper = tmp_path / "python-isolated"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def test_a_program_the_agent_cannot_load_in_runs_and_says_so(
    run_program, collector: Collector, tmp_path: Path
) -> None:
    python = _isolating_python(tmp_path)
    check_program(ProgramCommand(python, str(PROGRAMS / "exits_with.py")))  # a fine --python
    run = run_program("exits_with.py", "3", python=python)
    assert run.ended.wait(30)
    assert run.returncode == 3
    wait_until(lambda: run.agent_missing is not None, 10, "the agent said missing")
    assert "python -I" in str(run.agent_missing)
    assert "about to exit" in [entry.message for entry in collector.entries]  # output still
    run.shutdown(grace=1.0)
    assert run.agent_missing is not None


def test_the_agent_is_missing_only_where_no_hello_came(run_program, tmp_path: Path) -> None:
    plain = run_program("naps.py", "60")
    isolated = run_program("naps.py", "60", python=_isolating_python(tmp_path))
    wait_until(lambda: isolated.agent_missing is not None, 20, "no hello for 3 s")
    assert not isolated.ended.is_set() and not plain.ended.is_set()  # said while they run
    assert plain.agent_missing is None  # started first: its hello was as overdue, and came
    wait_until(lambda: any(s.name == "napper" for s in plain.poll()), 20, "the napper")
    napper = next(status for status in plain.poll() if status.name == "napper")
    environment = psutil.Process(napper.pid).environ()  # spawned: the main's os.environ
    assert "MPROC_TUI_AGENT_SOCKET" in environment and HELLO_VARIABLE not in environment
    assert {status.name for status in isolated.poll()} == {MAIN_NAME}  # psutil's rows only
    for run in (plain, isolated):
        run.shutdown(grace=1.0)
    assert plain.agent_missing is None and isolated.agent_missing is not None
