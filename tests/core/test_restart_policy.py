"""Restart policies as pure rules: what ends bring a worker back, and after how long."""

from __future__ import annotations

import pytest

from mproc_tui.core.restart_policy import (
    HEALTHY_SECONDS,
    Restart,
    RestartNote,
    RestartPolicy,
    RunEnd,
    restart_delay,
    seconds_text,
)

ON_FAILURE = RestartPolicy(Restart.ON_FAILURE, max_restarts=3, backoff=0.5, backoff_max=60)


def end(code: int = 1, on_purpose: bool = False, seconds: float = 0.1, in_a_row: int = 0) -> RunEnd:
    return RunEnd(code, on_purpose, seconds, in_a_row)


def test_a_crash_loop_slows_down_by_doubling_up_to_the_cap() -> None:
    delays = [restart_delay(ON_FAILURE, end(in_a_row=n)) for n in range(4)]
    assert delays == [0.5, 1.0, 2.0, None]  # the fourth would exceed --max-restarts 3
    capped = RestartPolicy(Restart.ALWAYS, backoff=1, backoff_max=5)
    assert [restart_delay(capped, end(in_a_row=n)) for n in range(5)] == [1, 2, 4, 5, 5]
    assert restart_delay(capped, end(in_a_row=10_000)) == 5  # no overflow, however long


def test_a_healthy_run_starts_the_row_again() -> None:
    assert restart_delay(ON_FAILURE, end(in_a_row=3, seconds=HEALTHY_SECONDS)) == 0.5
    assert restart_delay(ON_FAILURE, end(in_a_row=3, seconds=HEALTHY_SECONDS - 1)) is None


@pytest.mark.parametrize("restart", list(Restart))
def test_a_worker_stopped_on_purpose_never_comes_back(restart: Restart) -> None:
    policy = RestartPolicy(restart)
    assert restart_delay(policy, end(code=-9, on_purpose=True)) is None
    assert restart_delay(policy, end(code=0, on_purpose=True)) is None


def test_which_ends_bring_a_worker_back() -> None:
    no, failure, always = (RestartPolicy(mode) for mode in Restart)
    assert restart_delay(no, end(code=1)) is None
    assert restart_delay(failure, end(code=0)) is None
    assert restart_delay(failure, end(code=-9)) == 1.0  # killed by someone else: a failure
    assert restart_delay(always, end(code=0)) == 1.0
    assert restart_delay(RestartPolicy(Restart.ALWAYS, max_restarts=0), end(code=0)) is None


def test_notes_read_as_a_person_would_say_them() -> None:
    coming = RestartNote("crasher", 41, 1, 1, 3, 1.0)
    assert coming.describe("failed with exit code 1") == (
        "crasher (pid 41) failed with exit code 1: restart 2 of 3 in 1 s"
    )
    done = RestartNote("crasher", 41, 1, 3, 3, None)
    assert done.describe("failed with exit code 1").endswith("no more restarts (3 of 3 in a row)")
    unlimited = RestartNote("w", None, 0, 0, None, 0.5)
    assert unlimited.describe("exited with code 0") == "w exited with code 0: restart 1 in 0.5 s"
    failed = RestartNote("w", 41, 1, 0, None, None, "no memory")
    assert failed.describe("x") == "w could not restart: no memory"
    assert [seconds_text(s) for s in (0.5, 2, 59.6, 64, 120)] == [
        "0.5 s",
        "2 s",
        "1 min",
        "1 min 4 s",
        "2 min",
    ]
