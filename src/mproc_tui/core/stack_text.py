"""A stack dump as data: faulthandler's text read into threads and frames, told apart
(the worker's own code, its start-up, mproc-tui's threads) and written out again.

Plain data and pure functions, tested without processes (``core/stacks.py`` gets
the text from a live one).
"""

from __future__ import annotations

import linecache
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from mproc_tui.core.worker_control import OWN_PREFIX

DEPTH_LIMIT = 100  # faulthandler's: frames a thread, and threads a dump
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # mproc_tui/
_THREAD_START = ("_bootstrap", "_bootstrap_inner", "run")  # threading.Thread's own frames
_WORKER_START = ("run_worker", "_run_child")  # mproc-tui's, before the target


@dataclass(frozen=True)
class Frame:
    path: str
    line: int | None
    function: str
    source: str = ""  # the line of code, where the file can be read


@dataclass(frozen=True)
class ThreadStack:
    """One thread, newest frame last as in a traceback."""

    ident: int
    frames: tuple[Frame, ...]
    truncated: bool = False  # deeper than faulthandler's limit: the oldest frames are left out
    name: str = ""  # where the process said (``threading``'s name)
    own: bool = False  # mproc-tui's (its output pumps, its relay), not the worker's code
    main: bool = False  # the thread the worker's target runs in
    hidden: int = 0  # how many of the oldest frames are start-up (threading, multiprocessing)


@dataclass(frozen=True)
class StackReport:
    """A process's threads, or (``problem``) why it has none to show."""

    name: str
    pid: int
    threads: tuple[ThreadStack, ...] = ()
    more_threads: bool = False  # over faulthandler's limit of threads: some left out
    problem: str = ""
    taken_at: float = field(default_factory=time.time)


_THREAD = re.compile(r"^(?:Current thread|Thread) (0x[0-9a-fA-F]+) \(most recent call first\):$")
_FRAME = re.compile(r'^  File "(.*)", line (\d+|\?\?\?) in (.*)$')


def parse_dump(text: str) -> tuple[list[ThreadStack], bool]:
    """faulthandler's text as threads, and whether it left threads out (over its limit)."""
    threads: list[ThreadStack] = []
    ident: int | None = None
    frames: list[Frame] = []
    truncated = more_threads = False

    def close_thread() -> None:
        if ident is not None:
            threads.append(ThreadStack(ident, tuple(reversed(frames)), truncated))

    for line in text.splitlines():
        if match := _THREAD.match(line):
            close_thread()
            ident, frames, truncated = int(match.group(1), 16), [], False
        elif match := _FRAME.match(line):
            number = match.group(2)
            line_number = int(number) if number.isdigit() else None
            frames.append(Frame(match.group(1), line_number, match.group(3)))
        elif line == "  ...":
            truncated = True
        elif line == "...":
            more_threads = True
    close_thread()
    return threads, more_threads


def read_dump(
    text: str, thread_names: Mapping[int, str] | None = None
) -> tuple[list[ThreadStack], bool]:
    """faulthandler's text as threads the reader can use: named where known, the worker's
    target first, each with its lines of code and its start-up set apart; mproc-tui's own
    threads last. Also whether faulthandler left threads out."""
    threads, more_threads = parse_dump(text)
    names = thread_names or {}
    readable = [_readable(thread, names.get(thread.ident, "")) for thread in threads]
    readable.sort(key=lambda thread: (thread.own, not thread.main))
    return readable, more_threads


def _readable(thread: ThreadStack, name: str) -> ThreadStack:
    frames = tuple(
        Frame(
            frame.path,
            frame.line,
            frame.function,
            linecache.getline(frame.path, frame.line).strip() if frame.line else "",
        )
        for frame in thread.frames
    )
    start = 0
    while start < len(frames) and _is_start_up(frames[start]):
        start += 1
    if start == len(frames):  # nothing but start-up (a queue's feeder, say): show it all
        start = 0
    entry = frames[start] if frames else None
    own = (entry is not None and entry.path.startswith(_PACKAGE)) or name.startswith(OWN_PREFIX)
    main = any(_is_worker_start(frame) for frame in frames)
    return ThreadStack(thread.ident, frames, thread.truncated, name, own, main, start)


def _is_start_up(frame: Frame) -> bool:
    """A frame of what runs before the code a thread or a worker was started for."""
    path = frame.path
    return (
        path == "<string>"  # spawn's and the fork server's ``python -c``
        or f"{os.sep}multiprocessing{os.sep}" in path
        or (os.path.basename(path) == "threading.py" and frame.function in _THREAD_START)
        or _is_worker_start(frame)
    )


def _is_worker_start(frame: Frame) -> bool:
    return frame.path.startswith(_PACKAGE) and frame.function in _WORKER_START


def thread_label(thread: ThreadStack) -> str:
    """``helper (0x7f…)``; mproc-tui's own threads say so."""
    label = f"{thread.name} (0x{thread.ident:x})" if thread.name else f"0x{thread.ident:x}"
    return f"{label}, mproc-tui's own" if thread.own else label


def format_report(report: StackReport) -> str:
    """The stacks as text, each thread like a traceback (newest frame last)."""
    title = f"{report.name} (PID {report.pid})"
    if report.problem:
        return f"{title}: {report.problem}\n"
    taken = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(report.taken_at))
    lines = [f"Stacks of {title}, {taken}"]
    for thread in report.threads:
        lines += ["", f"Thread {thread_label(thread)}, most recent call last:"]
        if thread.truncated:
            lines.append(f"  ... (deeper than {DEPTH_LIMIT} frames: the oldest are left out)")
        if thread.hidden:
            lines.append(f"  ... ({start_up_words(thread)})")
        if not thread.frames:
            lines.append("  (no Python frame)")
        for frame in thread.frames[thread.hidden :]:
            where = f"line {frame.line}" if frame.line is not None else "line ?"
            lines.append(f'  File "{frame.path}", {where}, in {frame.function}')
            if frame.source:
                lines.append(f"    {frame.source}")
    if report.more_threads:
        lines += ["", f"... (over {DEPTH_LIMIT} threads: the rest are left out)"]
    return "\n".join(lines) + "\n"


def start_up_words(thread: ThreadStack) -> str:
    """What the hidden oldest frames were: ``9 frames of multiprocessing's … start-up``."""
    frames = "frame" if thread.hidden == 1 else "frames"
    of = "multiprocessing's and mproc-tui's start-up" if thread.main else "the thread's start-up"
    return f"{thread.hidden} {frames} of {of}"
