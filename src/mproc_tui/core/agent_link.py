"""mproc-tui's end of the agent's socket: JSON datagrams in, records and process events out.

Every interpreter of a watched program sends to two Unix datagram sockets
(``agent/mproc_tui_agent.py``): records to one, process events to the other (so a
flood of records cannot crowd them out; they are read first). A datagram is one
message, so a program process killed mid-send loses at most that message and never
stalls the others. What arrives is data: decoded as JSON, never unpickled, every
field checked.
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from mproc_tui.core.listener import BatchCallback
from mproc_tui.core.records import LogEntry

RECEIVE_BUFFER = 8 * 1024 * 1024  # what the kernel holds for us while the UI is busy
MAX_DATAGRAM = 256 * 1024

ProcessEvent = dict[str, Any]  # a "start", "run" or "exit" message, checked


def _bound(path: str) -> socket.socket:
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
    receiver.bind(path)
    os.chmod(path, 0o600)
    receiver.setblocking(False)
    return receiver


def _drain(receiver: socket.socket, most: int) -> list[bytes]:
    """What is waiting, up to ``most`` datagrams (the other socket gets its turn then)."""
    datagrams: list[bytes] = []
    while len(datagrams) < most:
        try:
            datagrams.append(receiver.recv(MAX_DATAGRAM))
        except (BlockingIOError, InterruptedError):
            break
    return datagrams


def _text(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _integer(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _number(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return float(value)
    return time.time()


class AgentLink:
    """Receives the agents' messages on its own thread.

    Records go to ``on_records`` in batches (at most one per ``batch_interval``), as
    the worker transport's do; process events go to ``on_process`` one by one, before
    any record that follows them. ``worker_of(pid, name)`` names the row a process's
    records belong to.
    """

    def __init__(
        self,
        path: str,
        on_records: BatchCallback,
        on_process: Callable[[ProcessEvent], None],
        worker_of: Callable[[int, str], int],
        batch_interval: float = 0.05,
    ) -> None:
        self.path = path
        self._on_records = on_records
        self._on_process = on_process
        self._worker_of = worker_of
        self._batch_interval = batch_interval
        self._socket = _bound(path)
        self._control = _bound(path + ".control")
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mproc-tui-agents", daemon=True)
        self.received = 0  # records
        self.dropped = 0  # messages the agents could not send (reported by them)
        self.malformed = 0  # datagrams that were not a message we know

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Deliver what has arrived, then stop."""
        self._stopping.set()
        self._thread.join(timeout=5)
        self._socket.close()
        self._control.close()

    def _run(self) -> None:
        batch: list[LogEntry] = []
        due = time.monotonic() + self._batch_interval
        sockets = [self._control, self._socket]
        while True:
            stopping = self._stopping.is_set()
            try:
                ready, _, _ = select.select(sockets, [], [], self._batch_interval)
            except (OSError, ValueError):  # closed under us
                return
            if self._control in ready:  # process events before the records after them
                for data in _drain(self._control, 1000):
                    self._read(data)
            if self._socket in ready:
                for data in _drain(self._socket, 500):
                    batch.extend(self._read(data))
            now = time.monotonic()
            if batch and (now >= due or not ready):
                self.received += len(batch)
                self._on_records(batch)
                batch = []
            if now >= due:
                due = now + self._batch_interval
            if stopping and not ready:  # drained: nothing came for a whole interval
                return

    def _read(self, data: bytes) -> list[LogEntry]:
        try:
            message = json.loads(data)
        except ValueError:
            self.malformed += 1
            return []
        if not isinstance(message, dict):
            self.malformed += 1
            return []
        self.dropped += _integer(message.get("dropped"))
        kind = message.get("t")
        if kind == "logs" and isinstance(message.get("records"), list):
            entries = [self._entry(record) for record in message["records"]]
            return [entry for entry in entries if entry is not None]
        if kind in ("start", "run", "exit") and _integer(message.get("pid")) > 0:
            self._on_process(message)
        else:
            self.malformed += 1
        return []

    def _entry(self, record: object) -> LogEntry | None:
        """A record as the agent lists it: created, level, level name, logger, process
        name, pid, thread, path, line, function, message, traceback."""
        if not isinstance(record, list) or len(record) != 12:
            self.malformed += 1
            return None
        created, level, level_name, logger, name, pid, thread, path, line, function = record[:10]
        message, traceback = record[10], record[11]
        name = _text(name, "?")
        pid = _integer(pid)
        return LogEntry(
            worker_id=self._worker_of(pid, name),
            created=_number(created),
            level=_integer(level),
            level_name=_text(level_name, "?"),
            logger_name=_text(logger, "?"),
            process_name=name,
            pid=pid,
            thread_name=_text(thread),
            pathname=_text(path),
            lineno=_integer(line),
            function=_text(function),
            message=_text(message, repr(message)),
            traceback=traceback if isinstance(traceback, str) else None,
        )
