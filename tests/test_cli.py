"""The command line: bad input gets one readable line and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

BAD_ARGUMENTS = [
    (["--refresh", "0"], "greater than 0"),
    (["--refresh", "soon"], "is not a number"),
    (["--sleep", "-1"], "not negative"),
    (["--sleep", "inf"], "must be a finite number"),
    (["--grace", "nan"], "must be a finite number"),
    (["--max-log-lines", "0"], "must be at least 1"),
    (["--max-log-lines", "many"], "is not a whole number"),
    (["--start-method", "thread"], "invalid choice"),
    (["--level", "LOUD"], "is not one of DEBUG"),
    (["--no-such-option"], "unrecognized arguments"),
]


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mproc_tui", *arguments],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
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
