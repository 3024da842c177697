"""Records of several workers merged by creation time; each worker's kept as logged."""

from __future__ import annotations

import math
import multiprocessing
import os
import threading

from mproc_tui.core.channel import LogChannel
from mproc_tui.core.listener import LogListener
from mproc_tui.core.record_order import TimeOrder
from mproc_tui.core.records import LogEntry
from tests.core.test_transport import _frame
from tests.support.waiting import wait_until


def _record(worker_id: int, created: float, message: str) -> LogEntry:
    return LogEntry(
        worker_id, created, 20, "INFO", "root", f"Process-{worker_id}", 1, "MainThread", "",
        0, "f", message, None,
    )  # fmt: skip


def _messages(entries: list[LogEntry]) -> list[str]:
    return [entry.message for entry in entries]


def test_two_workers_interleave_by_creation_time() -> None:
    order = TimeOrder()
    one = [_record(1, 1.0, "a1"), _record(1, 3.0, "a3"), _record(1, 5.0, "a5")]
    two = [_record(2, 2.0, "b2"), _record(2, 4.0, "b4")]
    assert _messages(order.merge([(1, one), (2, two)])) == ["a1", "b2", "a3", "b4", "a5"]


def test_a_worker_whose_clock_goes_back_keeps_its_own_order() -> None:
    """Threads queue records out of creation order; the worker's order is the truth."""
    order = TimeOrder()
    one = [_record(1, 1.0, "a first"), _record(1, 4.0, "a second"), _record(1, 2.0, "a third")]
    two = [_record(2, 3.0, "b"), _record(2, 5.0, "b later")]
    merged = _messages(order.merge([(1, one), (2, two)]))
    assert [message for message in merged if message.startswith("a")] == [
        "a first",
        "a second",
        "a third",
    ]
    assert merged == ["a first", "b", "a second", "a third", "b later"]


def test_a_worker_keeps_its_latest_time_from_one_batch_to_the_next() -> None:
    order = TimeOrder()
    order.merge([(1, [_record(1, 10.0, "a at 10")])])
    later = order.merge([(1, [_record(1, 1.0, "a back at 1")]), (2, [_record(2, 5.0, "b at 5")])])
    assert _messages(later) == ["b at 5", "a back at 1"]  # a's clock went back: it stays at 10
    order.forget(1)
    again = order.merge([(1, [_record(1, 1.0, "a anew")]), (2, [_record(2, 6.0, "b at 6")])])
    assert _messages(again) == ["a anew", "b at 6"]


def test_odd_creation_times_never_raise_and_lose_nothing() -> None:
    order = TimeOrder()
    runs = [
        (1, [_record(1, math.nan, "nan"), _record(1, 2.0, "two")]),
        (2, [_record(2, "noon", "text")._replace(created="noon")]),  # type: ignore[arg-type]
    ]
    assert sorted(_messages(order.merge(runs))) == ["nan", "text", "two"]


def test_one_stream_comes_back_as_it_came() -> None:
    order = TimeOrder()
    entries = [_record(1, 3.0, "x"), _record(1, 1.0, "y")]
    assert _messages(order.merge([(1, entries[:1]), (1, entries[1:])])) == ["x", "y"]


def test_the_listener_delivers_records_read_together_in_creation_order() -> None:
    """Two workers' pipes, each holding records when first read: the one read first has
    the later records, and the batch still comes in creation order."""
    context = multiprocessing.get_context("fork")
    late, early = LogChannel(context, worker_id=1), LogChannel(context, worker_id=2)
    writers = []
    for channel, times in ((late, (2.0, 4.0)), (early, (1.0, 3.0))):
        writer = os.dup(channel.queue._writer.fileno())
        channel.release_writer()
        for created in times:
            record = _record(channel.worker_id, created, f"{channel.worker_id} at {created}")
            os.write(writer, _frame(record))
        writers.append(writer)
    batches: list[list[LogEntry]] = []
    lock = threading.Lock()

    def received(batch: list[LogEntry]) -> None:
        with lock:
            batches.append(batch)

    listener = LogListener(received)
    try:
        listener.add(late)
        listener.add(early)
        listener.start()
        wait_until(lambda: sum(map(len, batches)) == 4, 30, "four records")
        with lock:
            delivered = [entry for batch in batches for entry in batch]
        assert _messages(delivered) == ["2 at 1.0", "1 at 2.0", "2 at 3.0", "1 at 4.0"]
        for writer in writers:
            os.close(writer)
        assert listener.wait_ended(late.stream, 30) and listener.wait_ended(early.stream, 30)
    finally:
        listener.stop()
