"""The parent's log listener: one thread that drains every worker's channel.

Records are handed on in batches, at most one batch per ``batch_interval``,
because a widget updated once per record caps near 500 lines/s while batches of
a thousand reach over 100k/s. A record that comes after a quiet spell goes at once.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
import time
from collections.abc import Callable

from mproc_tui.core.channel import LogChannel
from mproc_tui.core.records import LogEntry

BatchCallback = Callable[[list[LogEntry]], None]
# Each batch scrolls and redraws the log pane: at 20 a second, 1,000 workers took
# 8.9-9.2 s to start (the event loop 2.8-3.2 s of CPU), at 10 a second 6.9-7.8 s (2.1-2.5).
BATCH_INTERVAL = 0.1


class LogListener:
    """Reads all channels on a background thread and delivers batches to ``on_batch``.

    ``on_batch`` runs on the listener thread; a UI must hand the batch to its own
    thread (Textual: ``post_message``) and never touch widgets from it.
    """

    def __init__(self, on_batch: BatchCallback, batch_interval: float = BATCH_INTERVAL) -> None:
        self._on_batch = on_batch
        self._batch_interval = batch_interval
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._to_add: list[LogChannel] = []
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._selector.register(self._wake_read, selectors.EVENT_READ, None)
        self._channels: dict[int, LogChannel] = {}  # by stream
        self._ended: set[int] = set()  # streams
        self._ended_event = threading.Condition(self._lock)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="mproc-tui-logs", daemon=True)
        self.received = 0

    def start(self) -> None:
        self._thread.start()

    def add(self, channel: LogChannel) -> None:
        """Start reading a channel; safe from any thread."""
        with self._lock:
            self._to_add.append(channel)
        self._wake()

    def wait_ended(self, stream: int, timeout: float) -> bool:
        """Wait until a channel (``LogChannel.stream``) reached end-of-file and all of it
        was delivered."""
        deadline = time.monotonic() + timeout
        with self._ended_event:
            while stream not in self._ended:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._ended_event.wait(remaining)
        return True

    def stop(self, timeout: float = 2.0) -> None:
        """Deliver what is buffered, then stop and close every channel."""
        self._stopping = True
        self._wake()
        if self._thread.is_alive():
            self._thread.join(timeout)
        for channel in list(self._channels.values()):
            channel.close()
        self._channels.clear()
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._selector.close()

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_write, b"x")

    def _run(self) -> None:
        pending: list[LogEntry] = []
        last_delivery = time.monotonic()
        finished: list[int] = []
        while True:
            self._register_new_channels()
            timeout = self._batch_interval if pending else 0.25
            for key, _events in self._selector.select(timeout):
                channel = key.data
                if channel is None:
                    self._drain_wakeups()
                    continue
                try:
                    entries, ended = channel.read_entries()
                except Exception:  # one broken channel must not end the transport
                    entries, ended = [], True
                pending.extend(entries)
                if ended:
                    self._selector.unregister(channel.fileno())
                    channel.close()
                    del self._channels[channel.stream]
                    finished.append(channel.stream)
            now = time.monotonic()
            if (pending or finished) and (
                now - last_delivery >= self._batch_interval or self._stopping
            ):
                if pending:
                    self._deliver(pending)
                    pending = []
                last_delivery = now
                if finished:
                    with self._ended_event:
                        self._ended.update(finished)
                        self._ended_event.notify_all()
                    finished = []
            if self._stopping:
                self._final_drain()
                return

    def _final_drain(self) -> None:
        entries: list[LogEntry] = []
        for channel in self._channels.values():
            received, _ended = channel.read_entries()
            entries.extend(received)
        if entries:
            self._deliver(entries)

    def _deliver(self, entries: list[LogEntry]) -> None:
        self.received += len(entries)
        # A failing consumer must not kill the transport.
        with contextlib.suppress(Exception):
            self._on_batch(entries)

    def _register_new_channels(self) -> None:
        with self._lock:
            new, self._to_add = self._to_add, []
        for channel in new:
            self._channels[channel.stream] = channel
            self._selector.register(channel.fileno(), selectors.EVENT_READ, channel)

    def _drain_wakeups(self) -> None:
        try:
            while os.read(self._wake_read, 4096):
                pass
        except (BlockingIOError, OSError):
            pass
