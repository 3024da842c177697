"""The lessons: each runs as a plain script and under mproc-tui, and tells its story."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mproc_tui.lessons import NAMES, lesson_list, lesson_path
from tests.support.pty_app import app_command

# A line (or the start of one) each lesson must log, and how many times.
STORIES: dict[str, tuple[str, int]] = {
    "process": ("renamed worker: end", 1),
    "daemon": ("Process-1: end", 1),
    "lock": (": got the lock", 3),
    "rlock": (": withdrawing, holding the lock twice", 2),
    "semaphore": (": entered", 5),
    "event": (": the event is set: going", 3),
    "condition": (": took an item", 3),
    "barrier": (": released: all three are here", 3),
    "queue": (": no more work", 2),
    "pipe": ("ping: received 9 back", 1),
    "value": ("MainProcess: with the lock: 100000", 1),
    "array": ("MainProcess: the array now holds [0, 1, 4, 9]", 1),
    "manager": ("MainProcess: scores {", 1),
}


def told(output: str, name: str) -> bool:
    line, times = STORIES[name]
    return sum(line in text for text in output.splitlines()) == times


def test_every_lesson_has_a_story_and_a_line_in_the_list() -> None:
    assert set(STORIES) == set(NAMES)
    listed = lesson_list()
    for name in NAMES:
        assert lesson_path(name).is_file()
        assert f"  {name} " in listed


@pytest.mark.parametrize("name", NAMES)
def test_a_lesson_runs_as_an_ordinary_script(name: str) -> None:
    result = subprocess.run(
        [sys.executable, str(lesson_path(name)), "--sleep", "0.05"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert told(result.stderr, name), result.stderr


@pytest.mark.parametrize("name", ["lock", "barrier", "value"])
def test_a_lesson_under_mproc_tui_no_tui(name: str) -> None:
    result = subprocess.run(
        app_command("--lesson", name, "--no-tui", "--sleep", "0.05"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert told(result.stdout + result.stderr, name), result.stdout + result.stderr


def test_lesson_alone_lists_them_and_a_wrong_name_says_which_exist() -> None:
    listed = subprocess.run(app_command("--lesson"), capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0
    barrier = next(line for line in listed.stdout.splitlines() if line.split()[:1] == ["barrier"])
    assert (
        barrier.split(None, 1)[1]
        == "Barrier: nobody goes on until all three have arrived; the last one releases them all."
    )
    wrong = subprocess.run(
        app_command("--lesson", "mutex"), capture_output=True, text=True, timeout=60
    )
    assert wrong.returncode == 2
    error_lines = wrong.stderr.strip().splitlines()
    assert (
        len(error_lines) == 1
        and "no lesson 'mutex': choose one of process, daemon" in (error_lines[0])
    )
