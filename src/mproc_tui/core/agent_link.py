"""mproc-tui's end of the agents' streams: JSON lines in, records and process events out.

Every interpreter of a watched program connects to one Unix socket
(``agent/mproc_tui_agent.py``) and writes one JSON message a line: batches of records,
and process events in order with them. A stream each, so a process killed mid-write
cuts only its own last line and never stalls the others. What arrives is data:
decoded as JSON, never unpickled, every field checked.
"""

from __future__ import annotations

import json
import os
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

from mproc_tui.core.listener import BatchCallback
from mproc_tui.core.records import LogEntry

RECEIVE_BUFFER = 4 * 1024 * 1024  # what the kernel holds for us while the UI is busy
READ_SIZE = 1024 * 1024

ProcessEvent = dict[str, Any]  # a "start", "run" or "exit" message, checked


def _text(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _integer(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _number(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return float(value)
    return time.time()


class AgentLink:
    """Accepts the agents' streams and reads them all on its own thread.

    Records go to ``on_records`` in batches (at most one per ``batch_interval``), as
    the worker transport's do; process events go to ``on_process`` one by one, in
    order with the records around them. ``worker_of(pid, name)`` names the row a
    process's records belong to.
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
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(path)
        os.chmod(path, 0o600)
        self._listener.listen(128)
        self._listener.setblocking(False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._partial: dict[socket.socket, bytes] = {}
        self._peer: dict[socket.socket, int] = {}  # the pid at the other end
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mproc-tui-agents", daemon=True)
        self.received = 0  # records
        self.dropped = 0  # records the agents dropped while we were behind (they count them)
        self.malformed = 0  # lines that were not a message we know

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Deliver what has arrived, then stop (again: nothing)."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        self._selector.close()

    def _run(self) -> None:
        batch: list[LogEntry] = []
        due = time.monotonic() + self._batch_interval
        while True:
            stopping = self._stopping.is_set()
            events = self._selector.select(self._batch_interval)
            for key, _ in events:
                if key.fileobj is self._listener:
                    self._accept()
                else:
                    batch.extend(self._receive(key.fileobj))  # type: ignore[arg-type]
            now = time.monotonic()
            if batch and (now >= due or not events):
                self.received += len(batch)
                self._on_records(batch)
                batch = []
            if now >= due:
                due = now + self._batch_interval
            if stopping and not events:  # drained: nothing came for a whole interval
                batch = self._read_spills()
                if batch:
                    self.received += len(batch)
                    self._on_records(batch)
                return

    def _accept(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:
            return
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        connection.setblocking(False)
        credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        self._peer[connection] = struct.unpack("3i", credentials)[0]
        self._partial[connection] = b""
        self._selector.register(connection, selectors.EVENT_READ, None)

    def _receive(self, connection: socket.socket) -> list[LogEntry]:
        try:
            data = connection.recv(READ_SIZE)
        except BlockingIOError:
            return []
        except OSError:
            data = b""
        if not data:  # the process ended: what it could not send is in its spill file
            self._selector.unregister(connection)
            cut = self._partial.pop(connection, b"")  # the file goes on from a cut line
            pid = self._peer.pop(connection, 0)
            connection.close()
            return self._read_spill(pid, cut)
        lines = (self._partial[connection] + data).split(b"\n")
        self._partial[connection] = lines.pop()
        entries: list[LogEntry] = []
        for line in lines:
            entries.extend(self._read(line))
        return entries

    def _read_spill(self, pid: int, cut: bytes = b"") -> list[LogEntry]:
        path = os.path.join(os.path.dirname(self.path), f"spill-{pid}.jsonl")
        try:
            with open(path, "rb") as file:
                lines = (cut + file.read()).split(b"\n")
            os.unlink(path)
        except OSError:
            return []
        entries: list[LogEntry] = []
        for line in lines[:-1]:  # a cut last line (killed while writing) is dropped
            entries.extend(self._read(line))
        return entries

    def _read_spills(self) -> list[LogEntry]:
        """Files of processes whose streams ended before they wrote them."""
        entries: list[LogEntry] = []
        for name in sorted(os.listdir(os.path.dirname(self.path))):
            if name.startswith("spill-") and name.endswith(".jsonl"):
                entries.extend(self._read_spill(int(name[6:-6] or 0)))
        return entries

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
