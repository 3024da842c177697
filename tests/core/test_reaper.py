"""The reaper reports each watched sentinel once, whenever it was added."""

from __future__ import annotations

import contextlib
import os
import threading

from mproc_tui.core.reaper import Reaper


def test_each_ending_is_reported_once_among_many_watched() -> None:
    ended: list[int] = []
    changed = threading.Condition()

    def on_ended(key: int) -> None:
        with changed:
            ended.append(key)
            changed.notify_all()

    def wait_for_endings(count: int) -> None:
        with changed:
            assert changed.wait_for(lambda: len(ended) >= count, timeout=30), ended

    count = 300
    reaper = Reaper(on_ended)
    pipes = [os.pipe() for _ in range(count + 1)]
    try:
        for key, (read_end, _write_end) in enumerate(pipes[:count]):
            reaper.watch(key, read_end)  # a sentinel is readable once its process ends
        for key in range(0, count, 2):  # half of them "end": end-of-file on the pipe
            os.close(pipes[key][1])
        wait_for_endings(count // 2)
        reaper.watch(count, pipes[count][0])  # added after the others were reaped
        os.close(pipes[count][1])
        wait_for_endings(count // 2 + 1)
    finally:
        reaper.stop()
        for fd in (fd for pipe in pipes for fd in pipe):
            with contextlib.suppress(OSError):
                os.close(fd)
    assert sorted(ended) == [*range(0, count, 2), count]  # once each, never the others
