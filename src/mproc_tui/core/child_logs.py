"""Records of the processes a worker starts (a Pool, an executor, a Process of its own).

Runs inside workers. A worker's children get its logging setup under every start
method, as under ``fork``: ``Process.start`` is wrapped so that each child first
sends its root logger's records to a stream of its own, which a relay thread in the
worker copies, frame by frame, into the worker's stream. A child killed mid-record
(``Pool.terminate`` sends SIGTERM) cuts only its own stream: sharing the worker's
queue would leave its write lock held for good, and the worker's records behind it.
The relay also notes each child's multiprocessing name, for the tree view.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import multiprocessing
import multiprocessing.process
import selectors
import threading
import time
from typing import Any

from mproc_tui.core.channel import PROCESS_NAME_NOTE, LogChannel
from mproc_tui.core.entry_handler import DirectQueueHandler
from mproc_tui.core.stack_dumps import register_stack_dumps

_relay: ChildRelay | None = None  # this process's, set by ``relay_children``
_original_start = multiprocessing.process.BaseProcess.start


def relay_children(log_queue: Any, worker_id: int, level: int) -> None:
    """From now on, what this process starts logs through ``log_queue`` too."""
    global _relay
    _relay = ChildRelay(log_queue, worker_id, level)
    multiprocessing.process.BaseProcess.start = _start  # type: ignore[method-assign,assignment]


def wait_for_children(timeout: float) -> None:
    """What Python does as a process ends, done while output is still captured: stop
    daemonic children, wait for the others, then relay every record they wrote."""
    for child in multiprocessing.active_children():
        if child.daemon:
            child.terminate()
    for child in multiprocessing.active_children():
        child.join()
    if _relay is not None:
        _relay.drain(timeout)


def _start(process: multiprocessing.process.BaseProcess) -> None:
    relay = _relay
    if relay is None or getattr(process, "_popen", None) is not None:
        _original_start(process)  # (a second start raises as it always did)
        return
    relay.start_child(process)


def _run_child(log_queue: Any, worker_id: int, level: int | None) -> None:
    """A child's ``run``: log to its own stream, then do what its ``run`` does."""
    register_stack_dumps()  # (a file of its own: under fork it inherited the worker's)
    root = logging.getLogger()
    for handler in list(root.handlers):  # the worker's, under fork
        root.removeHandler(handler)
    root.addHandler(DirectQueueHandler(log_queue, worker_id))
    if level is not None:
        root.setLevel(level)
    relay_children(log_queue, worker_id, root.level)
    process = multiprocessing.current_process()
    type(process).run(process)


class ChildRelay:
    """Copies the frames of a worker's children into the worker's own stream.

    Frames are copied whole and undecoded, under the worker queue's own write lock,
    so they interleave with the worker's records exactly as its children's would.
    """

    def __init__(self, log_queue: Any, worker_id: int, level: int) -> None:
        self._queue = log_queue
        self._worker_id = worker_id
        self._level = level
        self._selector = selectors.DefaultSelector()
        self._lock = threading.Lock()
        self._channels: dict[int, LogChannel] = {}
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None

    def start_child(self, process: multiprocessing.process.BaseProcess) -> None:
        method = getattr(process, "_start_method", None)
        context = multiprocessing.get_context(method)
        channel = LogChannel(context, next(self._ids))
        # Under fork the child keeps the worker's level; a fresh interpreter gets it.
        level = None if context.get_start_method() == "fork" else self._level
        process.run = functools.partial(  # type: ignore[method-assign]
            _run_child, channel.queue, self._worker_id, level
        )
        try:
            _original_start(process)
        except BaseException:
            channel.close()
            raise
        finally:
            del process.run
        channel.release_writer()
        with self._lock:
            self._channels[channel.worker_id] = channel
            self._selector.register(channel.fileno(), selectors.EVENT_READ, channel)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="mproc-tui-children", daemon=True
                )
                self._thread.start()
        if process.pid is not None:
            with contextlib.suppress(Exception):
                self._queue.put((PROCESS_NAME_NOTE, process.pid, str(process.name)))

    def drain(self, timeout: float) -> None:
        """Wait until every child's stream has ended and been copied (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._channels:
                    return
            time.sleep(0.01)

    def _run(self) -> None:
        while True:  # a daemon thread: it ends with the worker
            # epoll sees a stream registered while it waits; the timeout is for a
            # selector that would not.
            for key, _events in self._selector.select(0.1):
                self._copy(key.data)

    def _copy(self, channel: LogChannel) -> None:
        frames, ended = channel.read_frames()
        if frames:
            with self._queue._wlock or contextlib.nullcontext():
                for frame in frames:
                    self._queue._writer.send_bytes(frame)
        if ended:
            with self._lock:
                self._selector.unregister(channel.fileno())
                del self._channels[channel.worker_id]
            channel.close()
