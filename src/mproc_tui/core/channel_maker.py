"""The next workers' log channels and control lines, made while the ones before start.

Making a channel is a ``multiprocessing.Queue``: three named semaphores, each told to
the resource tracker (a write and a liveness probe apiece), and a pipe; with the
control line's pipe it was a sixth of a start's time on the spawner thread, which
starts workers one after another. Made ahead on a thread of their own, they overlap
with the spawner's wait for the fork server.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Sequence
from multiprocessing.context import BaseContext

from mproc_tui.core.channel import LogChannel
from mproc_tui.core.worker_control import ControlLine

AHEAD = 8  # pairs made and not yet taken, at most: each holds four descriptors

Made = tuple[LogChannel, ControlLine]


class ChannelMaker:
    """Makes one (channel, control line) pair per context, in order, on its own thread.

    ``take()`` returns them in the same order; once making fails (no descriptors, no
    semaphores) it returns None for good, and the caller makes its own, meeting the
    error where a start without this would have met it. ``close()`` closes whatever
    was made and not taken: nothing it made outlives it.
    """

    def __init__(self, contexts: Sequence[BaseContext], ahead: int = AHEAD) -> None:
        self._contexts = list(contexts)
        self._made: queue.Queue[Made | None] = queue.Queue(maxsize=ahead)
        self._closing = threading.Event()
        self._failed = False
        self._thread = threading.Thread(target=self._make, name="mproc-tui-channels", daemon=True)
        self._thread.start()

    def take(self) -> Made | None:
        if self._failed:
            return None
        made = self._made.get()
        if made is None:
            self._failed = True
        return made

    def close(self) -> None:
        self._closing.set()
        while self._thread.is_alive() or not self._made.empty():
            with contextlib.suppress(queue.Empty):
                made = self._made.get(timeout=0.05)
                if made is not None:
                    close_pair(made)

    def _make(self) -> None:
        for context in self._contexts:
            try:
                made = make_pair(context)
            except Exception:  # (the caller makes its own, and meets the error itself)
                break
            if not self._put(made):
                close_pair(made)
                return
        self._put(None)  # (a failure, or more takes than contexts: the caller makes its own)

    def _put(self, made: Made | None) -> bool:
        """Hand a pair on once there is room; False if closed meanwhile."""
        while not self._closing.is_set():
            try:
                self._made.put(made, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False


def make_pair(context: BaseContext, worker_id: int = 0) -> Made:
    """A worker's log channel and control line; raises OSError, leaving nothing open."""
    channel = LogChannel(context, worker_id)
    try:
        return channel, ControlLine(context)
    except OSError:
        channel.close()
        raise


def close_pair(made: Made) -> None:
    channel, control = made
    channel.close()
    control.close()
