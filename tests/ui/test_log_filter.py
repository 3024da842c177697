"""What the pane shows and finds, without a terminal: exclusions, loggers, workers, patterns."""

from __future__ import annotations

import logging

from mproc_tui.core.records import LogEntry
from mproc_tui.ui.log_buffer import LogBuffer
from mproc_tui.ui.log_filter import LogFilter, SearchQuery, search_and_exclusion


def record(number: int, logger: str = "root", worker: int = 1, message: str = "") -> LogEntry:
    return LogEntry(
        worker, float(number), logging.INFO, "INFO", logger, f"Process-{worker}", 100 + worker,
        "MainThread", "/p.py", 1, "f", message or f"record {number}", None,
    )  # fmt: skip


def shown(buffer: LogBuffer) -> list[str]:
    return [entry.message for entry in buffer.shown_entries()]


def test_an_exclusion_hides_lines_that_contain_it_in_any_case() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, message="heartbeat ok"), record(2, message="order 7 paid")])
    buffer.set_filter(LogFilter(exclude=SearchQuery("HEARTBEAT")))
    assert shown(buffer) == ["order 7 paid"]
    buffer.add([record(3, message="Heartbeat again"), record(4, message="order 8 paid")])
    assert shown(buffer) == ["order 7 paid", "order 8 paid"]
    assert LogFilter(exclude=SearchQuery("beat")).describe() == ["hiding 'beat'"]


def test_an_exclusion_looks_at_the_worker_name_too() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, worker=1), record(2, worker=2)])
    buffer.set_filter(LogFilter(exclude=SearchQuery("process-2")))
    assert shown(buffer) == ["record 1"]


def test_an_exclusion_looks_at_logger_names_and_can_be_a_regular_expression() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, "shop.orders"), record(2, "root"), record(3, "shop.db")])
    buffer.set_filter(LogFilter(exclude=SearchQuery("orders")))
    assert shown(buffer) == ["record 2", "record 3"]
    buffer.set_filter(LogFilter(exclude=SearchQuery(r"^shop\.", regex=True)))
    assert shown(buffer) == ["record 2"]
    assert buffer.filter.describe() == ["hiding regex '^shop\\.'"]


def test_a_logger_filter_keeps_the_logger_and_its_children() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, "app"), record(2, "app.db"), record(3, "application"), record(4, "root")])
    buffer.set_filter(LogFilter(logger="app"))
    assert shown(buffer) == ["record 1", "record 2"]
    buffer.set_filter(LogFilter(logger="root"))
    assert shown(buffer) == ["record 4"]  # the root logger's own records, not everyone's
    assert LogFilter(logger="app").describe() == ["logger app"]


def test_several_workers_at_once() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, worker=1), record(2, worker=2), record(3, worker=3)])
    buffer.set_filter(LogFilter(workers=frozenset({1, 3}), workers_label="2 marked"))
    assert shown(buffer) == ["record 1", "record 3"]
    assert buffer.filter.describe() == ["2 marked only"]


def test_logger_names_show_after_the_worker_name_except_root() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, "app.db"), record(2, "root")])
    assert buffer.text(0).endswith("Process-1 [app.db]: record 1")
    assert buffer.text(1).endswith("Process-1: record 2")
    buffer.set_logger_names(False)
    assert buffer.text(0).endswith("Process-1: record 1")


def test_captured_prints_are_named_whether_logger_names_show_or_not() -> None:
    buffer = LogBuffer(max_lines=10)
    buffer.add([record(1, "stdout")])
    buffer.set_logger_names(False)
    assert buffer.text(0).endswith("Process-1 [stdout]: record 1")


def test_a_regular_expression_search_and_the_count_of_matches() -> None:
    buffer = LogBuffer(max_lines=20)
    buffer.add(record(number) for number in range(12))
    query = SearchQuery(r"record 1\d?$", regex=True)
    assert buffer.matching(query) == [1, 10, 11]
    assert buffer.find(query, start=1) == 10
    assert buffer.matching(SearchQuery("record 1")) == [1, 10, 11]  # text: in any case


def test_a_bad_pattern_is_no_query_and_says_why() -> None:
    query = SearchQuery("record (", regex=True)
    assert not query and query.pattern is None
    assert query.error.startswith("bad pattern: missing )")
    assert SearchQuery("record (").pattern is not None  # as text, the same is fine
    assert LogBuffer(max_lines=10).find(query, start=0) is None


def test_the_search_box_text_means_a_search_or_an_exclusion() -> None:
    assert search_and_exclusion("disk", regex=False) == (SearchQuery("disk"), SearchQuery())
    hide = search_and_exclusion("!beat.", regex=True)
    assert hide == (SearchQuery(), SearchQuery("beat.", regex=True))
    assert search_and_exclusion("!(", regex=True)[1].error.startswith("bad pattern")
