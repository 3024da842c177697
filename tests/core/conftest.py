"""What the core tests share: a program of tests/support/programs, run watched."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mproc_tui.core.program import ProgramCommand, ProgramRun
from tests.conftest import Collector

PROGRAMS = Path(__file__).parents[1] / "support" / "programs"


@pytest.fixture
def run_program(collector: Collector) -> Iterator[object]:
    """Start a program under ``mproc-tui run``'s watch; each is shut down afterwards."""
    runs: list[ProgramRun] = []

    def start(
        script: str, *args: str, start_method: str | None = None, python: str = sys.executable
    ) -> ProgramRun:
        command = ProgramCommand(python, str(PROGRAMS / script), args=args)
        run = ProgramRun(command, collector, level=10, start_method=start_method)
        runs.append(run)
        run.start()
        return run

    yield start
    for run in runs:
        run.shutdown(grace=1.0)
