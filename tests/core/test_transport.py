"""Log transport with real processes: nothing lost, nothing stalled by a killed writer."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import random
import signal
import struct
import time
from collections.abc import Callable

from mproc_tui.core.channel import LogChannel
from mproc_tui.core.records import LogEntry
from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from tests.conftest import Collector, support_target, wait_until

MakeSupervisor = Callable[..., Supervisor]
FLOOD = "mproc_tui.catalog:flood"


def _numbers(collector: Collector, worker_id: int) -> list[int]:
    return [int(entry.message.split()[1]) for entry in collector.of(worker_id)]


def test_no_record_is_lost_on_a_normal_exit(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    per_worker = 20_000
    workers = [
        supervisor.spawn(WorkerSpec(target=FLOOD, kwargs={"count": per_worker, "large_every": 97}))
        for _ in range(4)
    ]
    for worker in workers:
        assert supervisor.join(worker, timeout=60) == 0
    for worker in workers:
        assert supervisor.wait_logs_drained(worker, 30)
        assert _numbers(collector, worker) == list(range(1, per_worker + 1))


def test_killed_writers_never_stall_the_others(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    """8 flooding workers, 20 SIGKILLs at random moments, each victim replaced."""
    supervisor = make_supervisor()
    flood = WorkerSpec(
        target=FLOOD,
        kwargs={"records_per_second": 3000, "large_every": 3, "large_size": 20_000},
    )
    alive = [supervisor.spawn(flood) for _ in range(8)]
    randomness = random.Random(2)
    kills = 0
    started: dict[int, float] = {worker: time.monotonic() for worker in alive}
    stalls: list[str] = []
    while kills < 20:
        time.sleep(randomness.uniform(0.05, 0.4))
        victim = randomness.choice(alive)
        supervisor.send_signal(victim, signal.SIGKILL)
        kills += 1
        alive.remove(victim)
        replacement = supervisor.spawn(flood)
        alive.append(replacement)
        started[replacement] = time.monotonic()
        now = time.monotonic()
        for worker in alive:
            # A survivor that has been up for 2 s must have logged within the last 2 s.
            if now - started[worker] > 2.0:
                last = collector.last_seen.get(worker, 0.0)
                if now - last > 2.0:
                    stalls.append(f"worker {worker} silent for {now - last:.1f}s")
    time.sleep(1.0)
    now = time.monotonic()
    for worker in alive:
        assert now - collector.last_seen.get(worker, 0.0) < 2.0, f"worker {worker} stalled"
    assert not stalls, stalls
    for worker in alive:
        numbers = _numbers(collector, worker)
        assert numbers == list(range(1, len(numbers) + 1)), "records out of order or missing"


def _frame(entry: LogEntry) -> bytes:
    payload = pickle.dumps(tuple(entry))  # the wire form: a plain tuple of the fields
    return struct.pack("!i", len(payload)) + payload


def _entry(number: int, size: int = 10) -> LogEntry:
    return LogEntry(
        1, 0.0, 20, "INFO", "test", "Process-1", 1, "MainThread", "", 0, "f", "m" * size, None
    )._replace(message=f"record {number} " + "z" * size)


def test_a_half_written_record_is_dropped_at_end_of_stream_without_blocking() -> None:
    channel = LogChannel(multiprocessing.get_context("fork"), worker_id=1)
    writer_fd = os.dup(channel.queue._writer.fileno())
    channel.release_writer()
    big = _frame(_entry(2, size=200_000))
    os.write(writer_fd, _frame(_entry(1)))
    half = big[: len(big) // 2]
    written = 0
    deadline = time.monotonic() + 10
    received: list[LogEntry] = []
    os.set_blocking(writer_fd, False)
    while written < len(half) and time.monotonic() < deadline:
        try:
            written += os.write(writer_fd, half[written:])
        except BlockingIOError:
            entries, ended = channel.read_entries()
            received.extend(entries)
            assert not ended
    entries, ended = channel.read_entries()  # returns at once: the frame is incomplete
    received.extend(entries)
    assert not ended
    os.close(writer_fd)  # the writer "dies" mid-record
    entries, ended = channel.read_entries()
    received.extend(entries)
    assert ended
    assert [entry.message.split()[1] for entry in received] == ["1"]
    assert channel.discarded_bytes > 0
    channel.close()


def test_a_worker_killed_mid_record_still_delivers_its_complete_records(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(
        WorkerSpec(target=FLOOD, kwargs={"large_every": 2, "large_size": 500_000})
    )
    wait_until(lambda: len(collector.of(worker)) >= 5, 20, "some large records")
    os.kill(supervisor.status(worker).pid or 0, signal.SIGKILL)
    assert supervisor.join(worker, timeout=10) == -signal.SIGKILL
    assert supervisor.wait_logs_drained(worker, 10)
    numbers = _numbers(collector, worker)
    assert numbers == list(range(1, len(numbers) + 1))


def test_a_non_integer_exit_message_arrives_as_a_record(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(WorkerSpec(target=support_target("exit_with_message")))
    assert supervisor.join(worker, timeout=10) == 1
    assert supervisor.wait_logs_drained(worker, 5)
    assert "FATAL: config file missing" in collector.messages(worker)


def test_relayed_records_with_odd_fields_arrive_coerced(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    worker = supervisor.spawn(WorkerSpec(target=support_target("relayed_record")))
    assert supervisor.join(worker, timeout=10) == 0
    assert supervisor.wait_logs_drained(worker, 5)
    relayed, nan, subclassed = collector.of(worker)
    assert relayed.level_name == "5"
    assert relayed.lineno == 0
    assert nan.created == nan.created  # not NaN
    # str subclasses arrive as plain text (pickled as they were, the parent could
    # not have unpickled them: their class lives in the worker's code).
    texts = (subclassed.message, subclassed.level_name, subclassed.traceback)
    assert texts == ("subclassed", "NOTICE", "exc text")
    assert all(type(text) is str for text in texts)


def test_a_corrupt_frame_header_ends_that_channel_only() -> None:
    for bad_size in (-2, -4, -(2**31)):
        channel = LogChannel(multiprocessing.get_context("fork"), worker_id=1)
        writer = os.dup(channel.queue._writer.fileno())
        channel.release_writer()
        os.write(writer, struct.pack("!i", bad_size) + b"garbage" * 10)
        entries, ended = channel.read_entries()
        assert entries == []
        assert ended and channel.corrupt
        os.close(writer)
        channel.close()
