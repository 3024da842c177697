"""The parent's log listener: one thread that drains every worker's channel.

Records are handed on in batches, at most one batch per ``batch_interval``,
because a widget updated once per record caps near 500 lines/s while batches of
a thousand reach over 100k/s. A record that comes after a quiet spell goes within
``HOLD_SECONDS``: it waits that long for records of other workers made before it,
so that a batch is in creation order (``record_order.py``).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
import time
from collections.abc import Callable

from mproc_tui.core.channel import LogChannel
from mproc_tui.core.record_order import HOLD_SECONDS, Run, TimeOrder
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
        self._order = TimeOrder()
        self.received = 0

    def start(self) -> None:
        self._thread.start()

    def add(self, channel: LogChannel) -> None:
        """Start reading a channel; safe from any thread."""
        with self._lock:
            woken = bool(self._to_add)  # (a wake is on its way: one a batch is enough)
            self._to_add.append(channel)
        if not woken:
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
        pending: list[tuple[float, Run]] = []  # (when read, run)
        last_delivery = time.monotonic()
        finished: list[int] = []
        while True:
            self._register_new_channels()
            for key, _events in self._selector.select(
                self._timeout(pending, finished, last_delivery)
            ):
                channel = key.data
                if channel is None:
                    self._drain_wakeups()
                    continue
                try:
                    entries, ended = channel.read_entries()
                except Exception:  # one broken channel must not end the transport
                    entries, ended = [], True
                if entries:
                    pending.append((time.monotonic(), (channel.stream, entries)))
                if ended:
                    self._selector.unregister(channel.fileno())
                    channel.close()
                    del self._channels[channel.stream]
                    finished.append(channel.stream)
            now = time.monotonic()
            if (pending or finished) and (
                now - last_delivery >= self._batch_interval or self._stopping
            ):
                # Held back: runs read too recently for an older record to be behind them.
                cutoff = now if self._stopping else now - HOLD_SECONDS
                ended = set(finished)
                ready: list[Run] = []
                held: list[tuple[float, Run]] = []
                for item in pending:
                    if item[0] <= cutoff or item[1][0] in ended:
                        ready.append(item[1])
                    else:
                        held.append(item)
                pending = held
                if ready:
                    self._deliver(self._order.merge(ready))
                    last_delivery = now
                if finished:
                    for stream in finished:
                        self._order.forget(stream)
                    with self._ended_event:
                        self._ended.update(finished)
                        self._ended_event.notify_all()
                    finished = []
            if self._stopping:
                self._final_drain()
                return

    def _timeout(
        self, pending: list[tuple[float, Run]], finished: list[int], last_delivery: float
    ) -> float:
        """Until the next batch is due: the interval since the last one, and the oldest
        run's hold both over; a quarter second when there is nothing to deliver."""
        if not pending and not finished:
            return 0.25
        due = last_delivery + self._batch_interval
        if pending:
            due = max(due, pending[0][0] + HOLD_SECONDS)
        return max(0.0, due - time.monotonic())

    def _final_drain(self) -> None:
        runs: list[Run] = []
        for channel in self._channels.values():
            received, _ended = channel.read_entries()
            if received:
                runs.append((channel.stream, received))
        if runs:
            self._deliver(self._order.merge(runs))

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
