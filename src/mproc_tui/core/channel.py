"""One worker's log queue, read by the parent without ever blocking.

Each worker gets its own ``multiprocessing.Queue``: with one shared queue, a
worker killed while holding the queue's write lock stalls every other worker's
logging for good. Reading is done here on the queue's pipe with non-blocking
``os.read`` and our own framing, because ``Queue.get`` blocks forever on a record
whose writer was killed half-way through it.

The frames are those of ``multiprocessing.connection.Connection.send_bytes``: a
4-byte big-endian signed length (or ``-1`` followed by an 8-byte length for
payloads over 2 GiB), then the pickled object written by the queue's feeder thread.
"""

from __future__ import annotations

import itertools
import os
import pickle
import struct
from collections.abc import Callable
from multiprocessing.context import BaseContext
from typing import Any

from mproc_tui.core.records import LogEntry
from mproc_tui.core.worker_control import LEVEL_NOTE, THREADS_NOTE

_READ_CHUNK = 1 << 18
_SHORT_HEADER = struct.Struct("!i")
_LONG_HEADER = struct.Struct("!Q")
_LARGEST_RECORD = 1 << 32  # 4 GiB: far beyond any log record; larger means corruption
_FIELD_COUNT = len(LogEntry._fields)
PROCESS_NAME_NOTE = "mproc-tui process name"  # (note, pid, name): not a record
_as_entry = tuple.__new__  # a plain tuple of the fields -> LogEntry, without a Python call
_streams = itertools.count(1)


class LogChannel:
    """The parent's side of a worker's log queue."""

    def __init__(self, context: BaseContext, worker_id: int) -> None:
        self.worker_id = worker_id
        self.stream = next(_streams)  # this run's: a restarted worker has a new channel
        queue: Any = context.Queue()  # its private pipe ends: read without its lock
        self.queue = queue
        self._reader = queue._reader
        self._writer = queue._writer
        self._fd: int = self._reader.fileno()
        os.set_blocking(self._fd, False)
        self._buffer = bytearray()
        self.closed = False
        self.discarded_bytes = 0
        self.undecodable_records = 0
        self.corrupt = False
        self.process_names: dict[int, str] = {}  # pid -> name, of processes it started
        self.level: int | None = None  # its root logger's level, once it said (worker_control)
        self.thread_names: dict[int, str] = {}  # ident -> name, as it last said
        self.thread_notes = 0  # how many times it said: a reader waits for the next one

    def fileno(self) -> int:
        return self._fd

    def release_writer(self) -> None:
        """Drop the parent's copy of the write end once the worker holds its own.

        Afterwards the pipe reaches end-of-file exactly when the worker (and any
        child it passed the queue to) is gone: that is how we know the stream ended.
        """
        if not self._writer.closed:
            self._writer.close()

    def read_entries(self, max_bytes: int = 4 << 20) -> tuple[list[LogEntry], bool]:
        """Read what is available now; return complete records and whether the stream ended.

        A record cut short by a killed writer is dropped at end-of-file; it never
        blocks this or any other channel.
        """
        if self.closed:
            return [], True
        ended = self._fill(max_bytes)
        entries = self._parse_frames()
        return entries, self._consumed(0, ended)

    def read_frames(self, max_bytes: int = 4 << 20) -> tuple[list[bytes], bool]:
        """Like ``read_entries``, but each complete frame's payload as it was written,
        undecoded: a worker relays its children's frames to its own stream this way."""
        if self.closed:
            return [], True
        ended = self._fill(max_bytes)
        frames: list[bytes] = []
        offset = self._walk_frames(lambda payload: frames.append(bytes(payload)))
        return frames, self._consumed(offset, ended)

    def _fill(self, max_bytes: int) -> bool:
        """Read what is available now into the buffer; True if the stream ended."""
        received = 0
        while received < max_bytes:
            try:
                chunk = os.read(self._fd, _READ_CHUNK)
            except BlockingIOError:
                return False
            except InterruptedError:
                continue
            except OSError:
                return True
            if not chunk:
                return True
            self._buffer += chunk
            received += len(chunk)
        return False

    def _consumed(self, offset: int, ended: bool) -> bool:
        """Drop the frames read; at the end, what is left can never complete."""
        if offset:
            del self._buffer[:offset]
        ended = ended or self.corrupt
        if ended:
            self.discarded_bytes += len(self._buffer)
            self._buffer.clear()
        return ended

    def _parse_frames(self) -> list[LogEntry]:
        entries: list[LogEntry] = []
        add = entries.append

        def decode(payload: memoryview) -> None:
            try:
                entry = pickle.loads(payload)
            except Exception:
                self.undecodable_records += 1
                return
            if type(entry) is tuple and len(entry) == _FIELD_COUNT:
                add(_as_entry(LogEntry, entry))
            elif not self._noted(entry):
                self.undecodable_records += 1

        offset = self._walk_frames(decode)
        if offset:
            del self._buffer[:offset]
        return entries

    def _noted(self, entry: object) -> bool:
        """A note, not a record: a process the worker started has a multiprocessing name;
        the worker's level; its threads' names (``worker_control.py``)."""
        if type(entry) is not tuple or len(entry) != 3 or type(entry[1]) is not int:
            return False
        kind, _pid, value = entry
        if kind == PROCESS_NAME_NOTE and type(value) is str:
            self.process_names[entry[1]] = value
        elif kind == LEVEL_NOTE and type(value) is int:
            self.level = value
        elif kind == THREADS_NOTE and type(value) is tuple:
            self.thread_names = {
                pair[0]: pair[1]
                for pair in value
                if type(pair) is tuple
                and len(pair) == 2
                and type(pair[0]) is int
                and type(pair[1]) is str
            }
            self.thread_notes += 1
        else:
            return False
        return True

    def _walk_frames(self, on_payload: Callable[[memoryview], None]) -> int:
        """Hand each complete frame's payload on; returns how many bytes were consumed."""
        buffer = self._buffer
        view = memoryview(buffer)
        offset = 0
        end = len(buffer)
        try:
            while end - offset >= 4:
                (size,) = _SHORT_HEADER.unpack_from(view, offset)
                header = 4
                if size == -1:
                    if end - offset < 12:
                        break
                    (size,) = _LONG_HEADER.unpack_from(view, offset + 4)
                    header = 12
                if size < 0 or size > _LARGEST_RECORD:
                    # Not a frame the queue could have written: the stream is corrupt
                    # and nothing after this point can be trusted.
                    self.corrupt = True
                    self.discarded_bytes += end - offset
                    return end
                start = offset + header
                if end - start < size:
                    break
                on_payload(view[start : start + size])
                offset = start + size
        finally:
            view.release()
        return offset

    def close(self) -> None:
        """Close both ends; the worker's copies are its own."""
        if self.closed:
            return
        self.closed = True
        self._buffer.clear()
        for connection in (self._reader, self._writer):
            if not connection.closed:
                connection.close()
        # The queue object must not try to close what we closed.
        self.queue._close = None
