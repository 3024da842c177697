"""Inside a worker, one thread of mproc-tui's: fds 1 and 2 out as records, commands in.

One thread, not three (a pump for each of stdout and stderr, a listener for the
control line): every thread a worker starts costs its start about 0.2 ms of CPU, and
at 1,000 workers the machine's two cores are busy with nothing else. The user's
``threading.enumerate()`` and the table's thread count show one thread less of ours.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import sys
import threading
from typing import Any

from mproc_tui.core.worker_control import act_on_next_command

IO_THREAD = "mproc-tui-io"
_OUTPUT_LOGGERS = {1: ("stdout", logging.INFO), 2: ("stderr", logging.WARNING)}
_READ_SIZE = 16384  # lines sent between two looks at the control line: 8,000 at most


def emit(
    handler: logging.Handler, logger: str, level: int, message: str, trace: str | None = None
) -> None:
    """Send a record straight to the handler: output and crashes ignore the log level."""
    record = logging.LogRecord(logger, level, "", 0, message, None, None)
    record.exc_text = trace
    handler.handle(record)


class WorkerIO:
    """Routes fds 1 and 2 (print, C extensions, child processes) into log records, line
    by line, and acts on the app's commands (``worker_control.py``), on one daemon thread.

    After ``stop()`` every complete or partial line written to fds 1 and 2 has been
    sent, unless a process the worker started still holds them a second later.
    """

    def __init__(
        self, handler: logging.Handler, control: Any = None, log_queue: Any = None
    ) -> None:
        self._handler = handler
        self._control = control  # the read end of the control line, if the worker has one
        self._log_queue = log_queue
        self._outputs: dict[int, tuple[str, int]] = {}  # read end -> (logger, level)
        self._pending: dict[int, bytes] = {}  # read end -> its unfinished line
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
        for fd, logger in _OUTPUT_LOGGERS.items():
            read_end, write_end = os.pipe()
            os.dup2(write_end, fd)
            os.close(write_end)
            self._outputs[read_end] = logger
            self._pending[read_end] = b""
        self._thread = threading.Thread(target=self._serve, name=IO_THREAD, daemon=True)
        self._thread.start()
        # Under fork the inherited sys.stdout may be the app's capture object (Textual's,
        # pytest's), not fd 1: give the worker plain line-buffered streams over fds 1 and 2.
        sys.stdout = open(1, "w", buffering=1, errors="backslashreplace", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, errors="backslashreplace", closefd=False)  # noqa: SIM115

    def stop(self) -> None:
        """Flush and close fds 1 and 2 so the thread reads their end and sends what is left."""
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.close(devnull)
        except OSError:
            return
        if self._thread is not None:
            # A grandchild still holding the pipes must not keep the worker alive.
            self._thread.join(timeout=1.0)

    def _serve(self) -> None:
        poller = select.poll()
        for read_end in self._outputs:
            poller.register(read_end, select.POLLIN)
        if self._control is not None:
            poller.register(self._control.fileno(), select.POLLIN)
        try:
            while self._outputs:  # (the control line alone does not keep it going)
                for fd, _ in poller.poll():
                    if fd in self._outputs:
                        ended = not self._pump(fd)
                    else:
                        ended = not act_on_next_command(self._control, self._log_queue)
                    if ended:
                        poller.unregister(fd)
        finally:
            for read_end in self._outputs:
                os.close(read_end)

    def _pump(self, read_end: int) -> bool:
        """Send the complete lines available now; at the end, the rest. False once ended."""
        logger_name, level = self._outputs[read_end]
        try:
            chunk = os.read(read_end, _READ_SIZE)
        except OSError:
            chunk = b""
        *complete, self._pending[read_end] = (self._pending[read_end] + chunk).split(b"\n")
        if not chunk and self._pending[read_end]:
            complete.append(self._pending[read_end])
        for line in complete:
            emit(self._handler, logger_name, level, line.decode("utf-8", "backslashreplace"))
        if chunk:
            return True
        del self._outputs[read_end]
        os.close(read_end)
        return False
