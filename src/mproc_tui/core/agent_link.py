"""mproc-tui's end of the agents' streams: frames in, records and process events out.

Every interpreter of a watched program connects to one Unix socket
(``agent/mproc_tui_agent_stream.py``) and writes one frame a message: batches of
records, and process events in order with them. A stream each, so a process killed
mid-write cuts only its own last frame and never stalls the others.

What arrives is data. A payload is ``marshal`` (plain values; ten times cheaper than
JSON on both ends): it builds values and never runs code, and it is read only from a
process of this user (checked on connect) through a socket in a 0700 directory, the
peers that could run anything as this user anyway. Nothing is unpickled; every
field is checked; a frame that is too long or does not load closes that stream alone.
"""

from __future__ import annotations

import marshal
import os
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

from mproc_tui.core.listener import BATCH_INTERVAL, BatchCallback
from mproc_tui.core.records import LogEntry

RECEIVE_BUFFER = 4 * 1024 * 1024  # what the kernel holds for us while the UI is busy
READ_SIZE = 1024 * 1024
HEADER = 8  # a frame's payload length and record count, 4 bytes each
MAX_FRAME = 64 * 1024 * 1024  # bytes: more is not a frame an agent writes

ProcessEvent = dict[str, Any]  # a "start", "run", "exit" or "hello" message, checked
CAUGHT_UP_TURNS = 3  # reader turns that accept a waiting connection, then read it


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
        batch_interval: float = BATCH_INTERVAL,
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
        self._partial: dict[socket.socket, bytearray] = {}
        self._peer: dict[socket.socket, int] = {}  # the pid at the other end
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mproc-tui-agents", daemon=True)
        self.received = 0  # records
        self.dropped = 0  # records the agents dropped while we were behind (they count them)
        self.malformed = 0  # frames that were not a message we know
        self.turns = 0  # the reader's loops so far (see caught_up)

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
            self.turns += 1

    def caught_up(self, turn: int) -> bool:
        """Whether what was written before ``turns`` was ``turn`` has been read: the
        agents' first connections are accepted, then read, within a few turns (or the
        reader has delivered everything and stopped)."""
        stopped = self._stopping.is_set() and not self._thread.is_alive()
        return stopped or self.turns >= turn + CAUGHT_UP_TURNS

    def _accept(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:
            return
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        connection.setblocking(False)
        credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        pid, uid, _ = struct.unpack("3i", credentials)
        if uid != os.getuid():
            connection.close()
            return
        self._peer[connection] = pid
        self._partial[connection] = bytearray()
        self._selector.register(connection, selectors.EVENT_READ, None)

    def _receive(self, connection: socket.socket) -> list[LogEntry]:
        try:
            data = connection.recv(READ_SIZE)
        except BlockingIOError:
            return []
        except OSError:
            data = b""
        if not data:  # the process ended: what it could not send is in its spill file
            self._close(connection)
            cut = self._partial.pop(connection, bytearray())  # the file goes on from a cut frame
            return self._read_spill(self._peer.pop(connection, 0), cut)
        buffer = self._partial[connection]
        buffer += data
        entries = self._frames(buffer)
        if entries is None:  # not an agent's stream: this one is closed, the rest go on
            self._close(connection)
            self._partial.pop(connection, None)
            self._peer.pop(connection, None)
            return []
        return entries

    def _close(self, connection: socket.socket) -> None:
        self._selector.unregister(connection)
        connection.close()

    def _frames(self, buffer: bytearray) -> list[LogEntry] | None:
        """The entries of the whole frames at the front of ``buffer``, which keeps the
        rest; None if it holds something that is not a frame."""
        entries: list[LogEntry] = []
        start = 0
        while len(buffer) - start >= HEADER:
            size = int.from_bytes(buffer[start : start + 4], "little")
            if size > MAX_FRAME:
                self.malformed += 1
                return None
            end = start + HEADER + size
            if end > len(buffer):
                break
            entries.extend(self._read(bytes(buffer[start + HEADER : end])))
            start = end
        del buffer[:start]
        return entries

    def _read_spill(self, pid: int, cut: bytearray | None = None) -> list[LogEntry]:
        path = os.path.join(os.path.dirname(self.path), f"spill-{pid}.bin")
        buffer = cut if cut is not None else bytearray()
        try:
            with open(path, "rb") as file:
                buffer += file.read()
            os.unlink(path)
        except OSError:
            return []
        return self._frames(buffer) or []  # a cut last frame (killed while writing) is dropped

    def _read_spills(self) -> list[LogEntry]:
        """Files of processes whose streams ended before they wrote them."""
        entries: list[LogEntry] = []
        for name in sorted(os.listdir(os.path.dirname(self.path))):
            if name.startswith("spill-") and name.endswith(".bin") and name[6:-4].isdigit():
                entries.extend(self._read_spill(int(name[6:-4])))
        return entries

    def _read(self, data: bytes) -> list[LogEntry]:
        try:
            message = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            self.malformed += 1
            return []
        if not isinstance(message, dict):
            self.malformed += 1
            return []
        self.dropped += _integer(message.get("dropped"))
        kind = message.get("t")
        if kind == "logs" and isinstance(message.get("records"), list | tuple):
            return self._entries(message["records"])
        if kind in ("start", "run", "exit", "hello") and _integer(message.get("pid")) > 0:
            self._on_process(message)
        else:
            self.malformed += 1
        return []

    def _entries(self, records: list[object] | tuple[object, ...]) -> list[LogEntry]:
        """Records as the agent lists them: created, level, level name, logger, process
        name, pid, thread, path, line, function, message, traceback."""
        rows: dict[tuple[int, str], int] = {}  # (pid, name): row, for this batch
        entries: list[LogEntry] = []
        for record in records:
            if type(record) is not tuple or len(record) != 12 or not _well_typed(record):
                record = self._checked(record)
                if record is None:
                    continue
            key = (record[5], record[4])
            row = rows.get(key)
            if row is None:
                row = rows[key] = self._worker_of(*key)
            entries.append(LogEntry(row, *record))
        return entries

    def _checked(self, record: object) -> tuple[Any, ...] | None:
        """A record with a field of an unexpected type, each field made what it should be."""
        if not isinstance(record, tuple | list) or len(record) != 12:
            self.malformed += 1
            return None
        created, level, level_name, logger, name, pid, thread, path, line, function = record[:10]
        message, traceback = record[10], record[11]
        return (
            _number(created),
            _integer(level),
            _text(level_name, "?"),
            _text(logger, "?"),
            _text(name, "?"),
            _integer(pid),
            _text(thread),
            _text(path),
            _integer(line),
            _text(function),
            _text(message, repr(message)),
            traceback if isinstance(traceback, str) else None,
        )


def _well_typed(record: tuple[Any, ...]) -> bool:
    """The usual record, checked at the cost of one expression (this runs per record)."""
    created, level, level_name, logger, name, pid, thread, path, line, function, message, trace = (
        record
    )
    return (
        type(created) is float
        and created == created  # not NaN
        and type(level) is int
        and type(level_name) is str
        and type(logger) is str
        and type(name) is str
        and type(pid) is int
        and type(thread) is str
        and type(path) is str
        and type(line) is int
        and type(function) is str
        and type(message) is str
        and (trace is None or type(trace) is str)
    )
