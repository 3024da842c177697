"""A worker's control line: commands from the app, acted on by a thread of the worker's own.

A pipe per worker, app to worker, read by a daemon thread the bootstrap starts; no
signal, so nothing a target does with its signal handlers can break it, and nothing
interrupts the target's own system calls. What the worker has to say back (its
level, its threads' names) goes as a note through its log queue, in order with its
records: a level changed takes effect on the next record, and the note says when.

Commands are ``marshal`` tuples of plain values: ``("level", 20)``, ``("threads",)``.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import threading
from multiprocessing.context import BaseContext
from typing import Any

LEVEL_NOTE = "mproc-tui level"  # (note, pid, level): the worker's root logger level now
THREADS_NOTE = "mproc-tui threads"  # (note, pid, ((ident, name), ...)): its threads' names
OWN_FEEDER = "mproc-tui-log-feeder"  # multiprocessing's QueueFeederThread of its log queue
OWN_PREFIX = "mproc-tui-"  # the threads mproc-tui starts in a worker are named so


class ControlLine:
    """The app's end of a worker's control pipe. Never blocks: a worker that stopped
    reading (stuck with the GIL held, stopped, gone) just does not answer."""

    def __init__(self, context: BaseContext) -> None:
        self.reader, self._writer = context.Pipe(duplex=False)
        os.set_blocking(self._writer.fileno(), False)

    def release_reader(self) -> None:
        """Drop the app's copy of the worker's end once the worker holds its own."""
        self.reader.close()

    def send(self, *command: str | int) -> bool:
        """Send a command; False if the worker cannot take it now (or ever)."""
        try:
            self._writer.send_bytes(marshal.dumps(command))
        except (OSError, ValueError):  # a full pipe, a worker gone, a line closed
            return False
        return True

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._writer.close()
        with contextlib.suppress(OSError):
            self.reader.close()


def listen_for_commands(reader: Any, log_queue: Any) -> None:
    """In the worker: act on the app's commands, on a daemon thread of its own."""
    thread = threading.Thread(
        target=_listen, args=(reader, log_queue), name="mproc-tui-control", daemon=True
    )
    thread.start()


def _listen(reader: Any, log_queue: Any) -> None:
    root = logging.getLogger()
    while True:
        try:
            command = marshal.loads(reader.recv_bytes())
        except (EOFError, OSError, ValueError, TypeError):  # the app is gone, or garbage
            return
        if not isinstance(command, tuple) or not command:
            continue
        if command[0] == "level" and len(command) == 2 and type(command[1]) is int:
            root.setLevel(command[1])
            log_queue.put((LEVEL_NOTE, os.getpid(), root.level))
        elif command[0] == "threads":
            feeder = getattr(log_queue, "_thread", None)  # the log queue's: not the target's
            if isinstance(feeder, threading.Thread):
                feeder.name = OWN_FEEDER
            names = tuple((thread.ident or 0, thread.name) for thread in threading.enumerate())
            log_queue.put((THREADS_NOTE, os.getpid(), names))
