"""mproc-tui run on the command line: bad input in one line, and --no-tui as python would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TESTS

PROGRAMS = TESTS / "support" / "programs"


def _run(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mproc_tui", "run", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["no/such/program.py"], "no/such/program.py: no such file"),
        ([str(PROGRAMS)], "is a directory"),
        ([sys.executable], "is not a Python file (it is binary)"),
        ([str(TESTS.parent / "README.md")], "is not a Python file"),
        (["--python", "/bin/true", str(PROGRAMS / "exits_with.py")], "not a Python 3 interpreter"),
        (["--python", "/no/such/python", "x.py"], "no such file"),
        (["-m", "no_such_module_xyz"], "no module named 'no_such_module_xyz'"),
        ([], "give a SCRIPT to run, or -m MODULE"),
        (["--level", "LOUD", "x.py"], "is not one of DEBUG"),
    ],
)
def test_bad_input_gets_one_line_and_status_2(arguments: list[str], message: str) -> None:
    result = _run("--no-tui", *arguments)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_no_tui_runs_the_lesson_as_python_would_and_logs_its_records(tmp_path: Path) -> None:
    log = tmp_path / "records.jsonl"
    result = _run("--no-tui", "--log-file", str(log), str(PROGRAMS / "lesson_process.py"))
    assert result.returncode == 0, result.stderr
    # The program's own console output, exactly as without mproc-tui.
    assert sorted(result.stderr.splitlines()) == sorted(
        f"{name}: {step}" for name in ("Process-1", "renamed worker") for step in ("start", "end")
    )
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted((r["worker"], r["message"]) for r in records) == sorted(
        (name, step) for name in ("Process-1", "renamed worker") for step in ("start", "end")
    )


def test_the_exit_code_and_argv_are_the_programs(tmp_path: Path) -> None:
    result = _run("--no-tui", str(PROGRAMS / "exits_with.py"), "3", cwd=tmp_path)
    assert result.returncode == 3
    assert result.stdout == "about to exit\n"


def test_a_crash_shows_its_traceback_and_exits_1(tmp_path: Path) -> None:
    log = tmp_path / "records.jsonl"
    result = _run("--no-tui", "--log-file", str(log), str(PROGRAMS / "crashes.py"))
    assert result.returncode == 1
    assert "the program gave up" in result.stderr
    (record,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert record["logger"] == "crash" and "KeyError: 'missing'" in record["traceback"]


def test_run_m_runs_a_module_with_its_arguments(tmp_path: Path) -> None:
    result = _run("--no-tui", "-m", "json.tool", "--compact", cwd=tmp_path)
    # json.tool reads stdin, which is /dev/null under mproc-tui, as promised.
    assert result.returncode == 1 and "Expecting value" in result.stderr
