"""A worker's control line: commands from the app, acted on by a thread of the worker's own.

A pipe per worker, app to worker, read by the worker's mproc-tui thread; no
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


def act_on_next_command(reader: Any, log_queue: Any) -> bool:
    """In the worker (``worker_io.py``): read one command and act on it; False once the
    line has ended (the app is gone) or can no longer be trusted."""
    try:
        command = marshal.loads(reader.recv_bytes())
    except (EOFError, OSError, ValueError, TypeError):  # the app is gone, or garbage
        return False
    if not isinstance(command, tuple) or not command:
        return True
    try:
        if command[0] == "level" and len(command) == 2 and type(command[1]) is int:
            root = logging.getLogger()
            root.setLevel(command[1])
            log_queue.put((LEVEL_NOTE, os.getpid(), root.level))
        elif command[0] == "threads":
            feeder = getattr(log_queue, "_thread", None)  # the log queue's: not the target's
            if isinstance(feeder, threading.Thread):
                feeder.name = OWN_FEEDER
            names = tuple((thread.ident or 0, thread.name) for thread in threading.enumerate())
            log_queue.put((THREADS_NOTE, os.getpid(), names))
    except (OSError, ValueError):  # its log queue closed: nobody to answer
        return False
    return True
