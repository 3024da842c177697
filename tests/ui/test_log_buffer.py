"""The log pane's model without a terminal: bounds, filters, line numbers, cursor, search, wrap."""

from __future__ import annotations

import logging

import pytest
from rich.cells import cell_len

from mproc_tui.core.records import LogEntry
from mproc_tui.core.text import format_log_lines
from mproc_tui.ui.log_buffer import LogBuffer, WrapLayout, first_line_cells
from mproc_tui.ui.log_filter import LogFilter, SearchQuery


def record(
    number: int, level: int = logging.INFO, worker: int = 1, traceback: str | None = None
) -> LogEntry:
    return LogEntry(
        worker,
        float(number),
        level,
        logging.getLevelName(level),
        "app",
        f"Process-{worker}",
        100 + worker,
        "MainThread",
        "/p.py",
        1,
        "f",
        f"record {number}",
        traceback,
    )


def test_the_buffer_keeps_the_newest_lines_and_their_numbers() -> None:
    buffer = LogBuffer(max_lines=3)
    growth = buffer.add(record(number) for number in range(5))
    assert growth.lines == 5 and growth.dropped_rows == 2
    assert len(buffer) == 3 and buffer.full
    assert all(
        text.endswith(f"record {n}") for text, n in zip(buffer.texts(), (2, 3, 4), strict=True)
    )
    numbers = [buffer.number(index) for index in range(3)]
    assert numbers == [2, 3, 4]
    buffer.add([record(5)])
    # Every line that is still shown kept its number; the oldest dropped off.
    assert [buffer.number(index) for index in range(3)] == [3, 4, 5]


def test_a_traceback_is_several_lines_of_one_record() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, logging.ERROR, traceback="Traceback:\n  line\nValueError: x")])
    assert len(buffer) == 4
    assert buffer.texts()[3].strip() == "ValueError: x"
    assert [entry.message for entry in buffer.shown_entries()] == ["record 1"]
    assert buffer.entry(2).traceback is not None


def test_the_cursor_stays_on_its_line_as_old_lines_drop_off() -> None:
    buffer = LogBuffer(max_lines=4)
    buffer.add(record(number) for number in range(4))
    buffer.cursor = 2  # record 2
    buffer.add([record(4)])
    assert buffer.cursor == 1 and buffer.text(1).endswith("record 2")
    buffer.add(record(number) for number in range(5, 8))
    assert buffer.cursor is None  # its line is gone


def test_a_filter_shows_some_lines_and_new_ones_as_they_come() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, logging.DEBUG), record(2, logging.ERROR, worker=2), record(3)])
    buffer.set_filter(LogFilter(min_level=logging.INFO))
    assert [entry.message for entry in buffer.shown_entries()] == ["record 2", "record 3"]
    growth = buffer.add([record(4, logging.DEBUG), record(5, logging.WARNING)])
    assert growth.lines == 1
    buffer.set_filter(LogFilter(workers=frozenset({2}), workers_label="two"))
    assert [entry.message for entry in buffer.shown_entries()] == ["record 2"]
    two_only = LogFilter(min_level=logging.ERROR, workers=frozenset({2}), workers_label="two")
    assert two_only.describe() == [
        "level ≥ ERROR",
        "two only",
    ]
    buffer.set_filter(LogFilter())
    assert len(buffer) == 5 and not LogFilter().active


def test_search_finds_the_next_and_previous_match_and_wraps_around() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add(record(number) for number in range(6))
    assert buffer.find(SearchQuery("RECORD 4"), start=0) == 4  # any case
    assert buffer.cursor == 4
    assert buffer.find(SearchQuery("record"), start=5) == 0  # around the end
    backwards = buffer.find(SearchQuery("record 1"), start=0, forward=False)
    assert backwards == 1  # backwards, around the start
    assert buffer.find(SearchQuery("nowhere"), start=0) is None
    assert buffer.find(SearchQuery(""), start=0) is None


def test_wrapping_counts_rows_and_maps_them_back_to_lines() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1), record(2)._replace(message="x" * 100)])
    buffer.set_wrap(60)
    assert buffer.wrap is not None
    assert buffer.row_count > len(buffer) == 2
    assert buffer.line_at(buffer.row_count - 1)[0] == 1  # the long line's last row
    assert buffer.row_of(1) == 1
    buffer.add([record(3)])  # a line added while wrapping gets its rows too
    assert buffer.line_at(buffer.row_count - 1) == (2, 0)
    buffer.set_wrap(None)
    assert buffer.row_count == len(buffer) == 3


def test_wrap_layout_maps_rows_to_lines_as_old_lines_drop_off() -> None:
    layout = WrapLayout(width=50, max_lines=3)  # continuation rows hold 50 - 22 cells
    for cells in (10, 50, 51, 50 + 28 * 2 + 1):
        layout.append(cells)
    # The first line (10 cells) dropped off; 1 + 2 + 4 rows remain.
    assert layout.height == 7
    assert [layout.row_of(index) for index in range(3)] == [0, 1, 3]
    assert [layout.locate(row) for row in range(7)] == [
        (0, 0),
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
        (2, 2),
        (2, 3),
    ]
    assert layout.span(0) == (0, 50) and layout.span(2) == (78, 106)


@pytest.mark.parametrize(
    ("message", "logger_name", "level_name"),
    [
        ("record 1 xxx", "flood", "INFO"),
        ("tab\there", "app", "INFO"),
        ("wide 漢字 and 🙂", "app", "INFO"),
        ("printed", "stdout", "INFO"),
        ("esc\x1b[2J", "app", "WARNING"),
        ("", "app", "CRITICAL"),
        ("x", "app", "A-LEVEL-NAME-LONGER-THAN-EIGHT"),
    ],
)
def test_the_quick_line_width_matches_the_formatted_line(
    message: str, logger_name: str, level_name: str
) -> None:
    entry = LogEntry(
        1, 0.0, 20, level_name, logger_name, "Process-1", 1, "T", "/p.py", 1, "f", message, None
    )
    assert first_line_cells(entry) == cell_len(format_log_lines(entry)[0])
