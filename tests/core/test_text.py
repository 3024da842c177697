"""Text that reaches widgets is literal and safe."""

from __future__ import annotations

from mproc_tui.core.records import LogEntry
from mproc_tui.core.text import (
    format_bytes,
    format_duration,
    format_exit_code,
    format_log_lines,
    safe_text,
)


def _entry(message: str, traceback: str | None = None, logger: str = "root") -> LogEntry:
    return LogEntry(
        1, 0.0, 10, "DEBUG", logger, "Process-1", 1, "MainThread", "", 0, "f", message, traceback
    )


def test_control_characters_become_visible_escapes() -> None:
    assert safe_text("\x1b[2J") == "\\x1b[2J"
    assert safe_text("a\x00b\x7fc\x9bd") == "a\\x00b\\x7fc\\x9bd"
    assert safe_text("tab\there") == "tab    here"
    assert "\x1b" not in safe_text("\x1b]52;c;aGk=\x07")


def test_markup_is_left_alone_for_literal_widgets() -> None:
    assert safe_text("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"


def test_lone_surrogates_are_replaced() -> None:
    assert safe_text("a\ud800b").encode("utf-8")


def test_exit_codes_name_their_signal() -> None:
    assert format_exit_code(-15) == "-15 SIGTERM"
    assert format_exit_code(-9) == "-9 SIGKILL"
    assert format_exit_code(0) == "0"
    assert format_exit_code(None) == ""


def test_sizes_and_durations() -> None:
    assert format_bytes(512) == "512B"
    assert format_bytes(15 * 1024 * 1024) == "15.0M"
    assert format_duration(59) == "0:59"
    assert format_duration(3661) == "1:01:01"


def test_log_lines_read_like_the_lesson_and_tracebacks_continue() -> None:
    lines = format_log_lines(_entry("start"))
    assert lines[0].endswith("DEBUG    Process-1: start")
    crash = format_log_lines(_entry("boom", traceback="Traceback\n  line\nError: x"))
    assert len(crash) == 4
    assert crash[3].strip() == "Error: x"


def test_captured_output_names_its_stream() -> None:
    assert format_log_lines(_entry("hi", logger="stdout"))[0].endswith("Process-1 [stdout]: hi")
