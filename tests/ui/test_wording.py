"""Every sentence the UI builds from numbers: the header, titles and toasts."""

from __future__ import annotations

from mproc_tui.core.workers import StopReport
from mproc_tui.ui.wording import (
    app_title,
    ended_words,
    failure,
    failure_title,
    join_progress,
    join_summary,
    program_title,
    quit_wait_progress,
    signal_sent,
    stop_progress,
    stop_summary,
    table_summary,
    wait_progress,
)
from tests.core.test_rows import row


def test_progress_in_words() -> None:
    assert join_progress(5, 12) == "joining 12 workers… 5 of 12 ended"
    assert join_summary(1) == "Joined 1 worker."
    assert wait_progress(0, 1).startswith("waiting for 1 worker… 0 of 1 ended")
    assert stop_progress("terminating", StopReport(5, 0, 3)) == (
        "terminating 5 workers… 3 of 5 ended"
    )
    assert stop_progress("terminating", StopReport(5, 2, 3)) == (
        "terminating 5 workers… 3 of 5 ended, 2 escalated to SIGKILL"
    )
    assert stop_summary(StopReport(5, 2, 5)) == "Terminated 5 workers (2 escalated to SIGKILL)."
    assert stop_summary(StopReport(1, 0, 1)) == "Terminated 1 worker."
    assert quit_wait_progress(0, 1) == "waiting for 1 worker… 0 of 1 ended · q again terminates it"
    assert quit_wait_progress(1, 3).endswith("1 of 3 ended · q again terminates them")


def test_summary_counts_running_exited_and_failed() -> None:
    rows = [row(1), row(2, exit_code=0), row(3, exit_code=1), row(4, exit_code=-9)]
    assert table_summary(rows) == "1 running · 1 exited · 2 failed"


def test_summary_counts_what_mproc_tui_stopped_apart_from_failures() -> None:
    rows = [
        row(1, exit_code=-15, stop_requested=True),
        row(2, exit_code=-9, stop_requested=True),
        row(3, exit_code=0, stop_requested=True),  # it ended on its own first: exited
        row(4, exit_code=1),
    ]
    assert table_summary(rows) == "0 running · 1 exited · 1 failed · 2 terminated"


def test_a_programs_processes_that_ended_unjoined_are_not_counted_as_exited() -> None:
    rows = [
        row(1, state="ended", exit_code=None, kind="Pool"),
        row(2, state="ended", exit_code=None, kind="Pool", stop_requested=True),
        row(3, exit_code=0, kind="Main"),
    ]
    assert table_summary(rows) == (
        "0 running · 1 exited · 0 failed · 1 ended, exit code unknown · 1 terminated"
    )
    assert failure_title(row(4, exit_code=1, kind="Main")) == "Process failed"
    assert quit_wait_progress(0, 1, "lesson.py") == (
        "waiting for lesson.py… 0 of 1 ended · q again terminates it"
    )
    assert quit_wait_progress(1, 3, "lesson.py").startswith(
        "waiting for lesson.py and 2 workers… 1 of 3 ended"
    )
    assert failure_title(row(5, exit_code=1)) == "Worker failed"
    assert failure_title(row(6, exit_code=1, kind="mproc-tui")) == "Worker failed"


def test_titles_and_toasts() -> None:
    assert app_title(1, "spawn") == "mproc-tui — 1 worker · spawn"
    assert app_title(1200, "forkserver") == "mproc-tui — 1,200 workers · forkserver"
    assert failure(row(1, exit_code=-9)) == "Process-1 was killed by SIGKILL (exit code -9)"
    assert failure(row(1, exit_code=3, name="bad\x1b[2J")) == "bad\\x1b[2J exited with code 3"
    assert signal_sent(19, "w", 3, with_children=True) == "Sent SIGSTOP to w and 2 children"
    assert signal_sent(19, "w", 2, with_children=True) == "Sent SIGSTOP to w and 1 child"
    assert signal_sent(10, "w", 1, with_children=False) == "Sent SIGUSR1 to w"


def test_a_watched_programs_title_says_how_it_ended_and_what_was_dropped() -> None:
    assert program_title("lesson.py", 3, False, None) == (
        "mproc-tui — lesson.py · 3 processes · running"
    )
    assert program_title("lesson.py", 1, True, -15) == (
        "mproc-tui — lesson.py · 1 process · was killed by SIGTERM"
    )
    assert program_title("flood.py", 5, True, 0, dropped=1200) == (
        "mproc-tui — flood.py · 5 processes · exited with code 0 · 1,200 records dropped"
    )
    assert ended_words(None).startswith("ended; nobody learned its exit code")
    assert ended_words(-9) == "was killed by SIGKILL"
