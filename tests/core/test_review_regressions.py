"""Bugs found in review, each with the test that proves its fix."""

from __future__ import annotations

import multiprocessing
import os
import signal
import struct
import threading
import time
from collections.abc import Callable

from mproc_tui.core.channel import LogChannel
from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from tests.conftest import Collector, support_target

MakeSupervisor = Callable[..., Supervisor]


def test_exit_codes_are_exact_while_another_thread_polls(make_supervisor: MakeSupervisor) -> None:
    """Polling and joining from two threads once made forkserver report exit code 255."""
    supervisor = make_supervisor()
    stop = threading.Event()

    def poll_constantly() -> None:
        while not stop.is_set():
            supervisor.poll()

    poller = threading.Thread(target=poll_constantly)
    poller.start()
    try:
        workers = [supervisor.spawn(WorkerSpec(args=(0,))) for _ in range(15)]
        codes = [supervisor.join(worker, timeout=20) for worker in workers]
    finally:
        stop.set()
        poller.join()
    assert codes == [0] * 15


def test_sigterm_ends_a_fork_worker(make_supervisor: MakeSupervisor, start_method: str) -> None:
    supervisor = make_supervisor(start_method)
    worker = supervisor.spawn(WorkerSpec(args=(60,)))
    time.sleep(0.3)
    supervisor.send_signal(worker, signal.SIGTERM)
    assert supervisor.join(worker, timeout=10) == -15


def test_clearing_while_stopping_is_safe(make_supervisor: MakeSupervisor) -> None:
    supervisor = make_supervisor()
    stubborn = supervisor.spawn(WorkerSpec(target="mproc_tui.catalog:ignore_sigterm"))
    polite = [supervisor.spawn(WorkerSpec(args=(60,))) for _ in range(3)]
    time.sleep(0.3)
    errors: list[BaseException] = []

    def stop() -> None:
        try:
            supervisor.stop([stubborn, *polite], grace=1.0)
        except BaseException as error:
            errors.append(error)

    stopper = threading.Thread(target=stop)
    stopper.start()
    while stopper.is_alive():
        supervisor.clear_finished()
        time.sleep(0.01)
    assert not errors
    assert supervisor.poll() == [] or all(not s.alive for s in supervisor.poll())


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
