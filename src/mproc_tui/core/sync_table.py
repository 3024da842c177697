"""A watched program's primitives as mproc-tui reads them: holders, waiters, deadlocks.

The agent in each process of the program writes what it does into one shared file
(``agent/mproc_tui_agent_sync.py``); here it is read (about ten times a second) into
plain data, and the wait-for graph is searched for cycles: A holds L1 and waits for
L2 while B holds L2 and waits for L1. Plain Python, no Textual.
"""

from __future__ import annotations

import mmap
import os
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path

from mproc_tui.agent import mproc_tui_agent_sync as layout
from mproc_tui.core.text import safe_text

KIND_NAMES = {
    layout.LOCK: "Lock",
    layout.RLOCK: "RLock",
    layout.SEMAPHORE: "Semaphore",
    layout.BOUNDED_SEMAPHORE: "BoundedSemaphore",
    layout.CONDITION: "Condition",
    layout.EVENT: "Event",
    layout.BARRIER: "Barrier",
    layout.QUEUE: "Queue",
    layout.VALUE: "Value",
    layout.ARRAY: "Array",
    layout.PIPE: "Pipe",
    layout.MANAGER: "Manager",
}
SYNC_VARIABLE = layout.SYNC_VARIABLE
HELD_KINDS = (layout.LOCK, layout.RLOCK)  # one holder at a time: an edge of the wait-for graph
DEADLOCK_AFTER = 1.0  # seconds every wait of a cycle has lasted before it counts


@dataclass(frozen=True)
class Primitive:
    """One primitive: its number, kind, where the program made it, and its state now."""

    number: int
    kind: int
    site: str
    maker: int  # pid
    holder: int  # pid; 0: none (a semaphore: who acquired last; a pipe: end 1's process;
    # a manager: its server)
    count: int  # a lock's depth, a semaphore's value, an event's 1 (set) or 0, a queue's
    # size, a barrier's parties, a pipe's end 2's process, a manager's proxies
    since: float  # time.time() of the holding (or of the last change)
    contents: str = ""  # a Value's value, an Array's first items (their repr), a manager's
    # proxies' types, a barrier's "broken"
    sent: tuple[int, int] = (0, 0)  # a pipe's: the messages each end sent

    @property
    def name(self) -> str:
        """``Lock#3``: its kind and number, as the table and the panel call it."""
        return f"{KIND_NAMES.get(self.kind, 'Primitive')}#{self.number}"


@dataclass(frozen=True)
class Wait:
    pid: int
    primitive: int  # its number
    since: float


@dataclass(frozen=True)
class SyncState:
    """What the file says at one moment."""

    primitives: dict[int, Primitive] = field(default_factory=dict)  # by number
    waits: tuple[Wait, ...] = ()

    def waiting(self, pid: int) -> Wait | None:
        return next((wait for wait in self.waits if wait.pid == pid), None)

    def waiters(self, number: int) -> list[Wait]:
        return [wait for wait in self.waits if wait.primitive == number]

    def holder_of(self, number: int) -> int:
        primitive = self.primitives.get(number)
        return 0 if primitive is None or primitive.kind not in HELD_KINDS else primitive.holder


def read_state(shared: bytes | mmap.mmap) -> SyncState:
    """Parse the shared file's bytes; a row being written meanwhile reads as it is."""
    magic, made, waited = layout.HEADER.unpack_from(shared, 0)
    if magic != layout.MAGIC:
        return SyncState()
    primitives = {}
    for number in range(1, min(made, layout.MAX_PRIMITIVES) + 1):
        kind, maker, holder, count, since, site, contents = layout.PRIMITIVE.unpack_from(
            shared, layout.HEADER_SIZE + (number - 1) * layout.PRIMITIVE.size
        )
        if kind == layout.PIPE:
            sent = _PIPE_SENT.unpack_from(contents)
            primitives[number] = Primitive(
                number, kind, _text(site), maker, holder, count, since, "", sent
            )
        elif kind:
            primitives[number] = Primitive(
                number, kind, _text(site), maker, holder, count, since, _text(contents)
            )
    waits = []
    for row in range(min(waited, layout.MAX_PROCESSES)):
        pid, primitive, since = layout.PROCESS.unpack_from(
            shared, layout.PROCESSES_AT + row * layout.PROCESS.size
        )
        if pid and primitive:
            waits.append(Wait(pid, primitive, since))
    return SyncState(primitives, tuple(waits))


_PIPE_SENT = struct.Struct("<ii")  # a pipe's contents field (agent/mproc_tui_agent_links.py)


def _text(field: bytes) -> str:
    return field.rstrip(b"\0").decode("utf-8", "replace")


def deadlocks(state: SyncState, now: float, after: float = DEADLOCK_AFTER) -> list[list[Wait]]:
    """Cycles of the wait-for graph whose every wait has lasted ``after`` seconds: each as
    its waits in order (the first waits on what the second holds, ..., the last on what
    the first holds). A process waits on one thing at a time, so each node has at most
    one edge out, and following edges finds every cycle."""
    by_pid = {wait.pid: wait for wait in state.waits if now - wait.since >= after}
    found: list[list[Wait]] = []
    seen: set[int] = set()
    for start in by_pid:
        path: list[int] = []
        pid = start
        while pid in by_pid and pid not in seen and pid not in path:
            path.append(pid)
            pid = state.holder_of(by_pid[pid].primitive)
        if pid in path:  # back to a process of this walk: a cycle
            cycle = path[path.index(pid) :]
            found.append([by_pid[member] for member in cycle])
        seen.update(path)
    return found


def describe_deadlock(state: SyncState, cycle: list[Wait], names: dict[int, str]) -> str:
    """``Deadlock: Process-1 (pid 10) holds Lock#1 and waits for Lock#2, held by ...``."""
    parts = []
    for wait in cycle:
        held = [
            p.name
            for p in state.primitives.values()
            if p.holder == wait.pid and p.kind in HELD_KINDS
        ]
        waited = state.primitives.get(wait.primitive)
        waited_name = waited.name if waited else f"#{wait.primitive}"
        holding = f" holds {', '.join(held)} and" if held else ""
        parts.append(f"{names.get(wait.pid, 'pid')} ({wait.pid}){holding} waits for {waited_name}")
    return "Deadlock: " + "; ".join(parts) + "."


class SyncFile:
    """The shared file of one run: made here, mapped by the program's processes."""

    def __init__(self, directory: str) -> None:
        self.path = os.path.join(directory, "sync.bin")
        with open(self.path, "wb") as file:
            file.truncate(layout.SIZE)
            file.write(layout.HEADER.pack(layout.MAGIC, 0, 0))
        self._file = open(self.path, "rb")  # noqa: SIM115 (kept open while the run lasts)
        self._map = mmap.mmap(self._file.fileno(), layout.SIZE, access=mmap.ACCESS_READ)

    def read(self) -> SyncState:
        """What the file says now; nothing once the run is over and the file closed."""
        try:
            return read_state(self._map)
        except ValueError:  # closed (a rerun let this run go while a look was due)
            return SyncState()

    def close(self) -> None:
        self._map.close()
        self._file.close()


def wait_text(state: SyncState, pid: int, names: dict[int, str], now: float | None = None) -> str:
    """What the table's state says of a waiting process: ``waiting: Lock#1 (held by
    Process-3, 12 s)``; empty when it waits on nothing watched."""
    wait = state.waiting(pid)
    if wait is None:
        return ""
    now = time.time() if now is None else now
    primitive = state.primitives.get(wait.primitive)
    name = primitive.name if primitive else f"#{wait.primitive}"
    holder = state.holder_of(wait.primitive)
    seconds = max(0, int(now - wait.since))
    if holder:
        return f"waiting: {name} (held by {names.get(holder, str(holder))}, {seconds} s)"
    return f"waiting: {name} ({seconds} s)"


def read_sync_file(path: str | Path) -> SyncState:
    """One look at a sync file by its path (tests, a one-off read)."""
    with open(path, "rb") as file:
        return read_state(file.read())


LONG_WAIT = 5.0  # seconds: a wait this long is highlighted in the panel


def panel_lines(state: SyncState, names: dict[int, str], now: float) -> list[tuple[str, bool]]:
    """The primitives panel, a line each (and the deadlocks first): (text, highlighted).

    ``Lock#1 (lock_lesson.py:24): held by Process-1 for 0.4 s; waiting: Process-2 1.2 s``.
    """

    def who(pid: int) -> str:
        return names.get(pid, f"pid {pid}")

    lines = [(describe_deadlock(state, cycle, names), True) for cycle in deadlocks(state, now)]
    for number, primitive in sorted(state.primitives.items()):
        waiting = state.waiters(number)
        parts = []
        if primitive.kind in HELD_KINDS:
            if primitive.holder:
                held = f"held by {who(primitive.holder)} for {now - primitive.since:.1f} s"
                if primitive.kind == layout.RLOCK and primitive.count > 1:
                    held += f", depth {primitive.count}"
                parts.append(held)
            else:
                parts.append("free")
        elif primitive.kind in (layout.SEMAPHORE, layout.BOUNDED_SEMAPHORE):
            if primitive.since:
                parts.append(f"value {primitive.count}")
        elif primitive.kind == layout.EVENT:
            parts.append("set" if primitive.count else "clear")
        elif primitive.kind == layout.BARRIER and primitive.count:
            parts.append(f"{len(waiting)} of {primitive.count} parties waiting")
            if primitive.contents == "broken":
                parts.append("broken")
        elif primitive.kind == layout.QUEUE:
            parts.append(f"size {primitive.count}")
        elif primitive.kind == layout.VALUE and primitive.contents:
            parts.append(f"value {primitive.contents}")  # its repr
        elif primitive.kind == layout.ARRAY and primitive.contents:
            parts.append(primitive.contents)
        elif primitive.kind == layout.PIPE:
            first, second = primitive.sent
            parts.append(
                f"end 1 in {who(primitive.holder)} (sent {first}), "
                f"end 2 in {who(primitive.count)} (sent {second})"
            )
        elif primitive.kind == layout.MANAGER:
            parts.append(f"server {who(primitive.holder)}" if primitive.holder else "shut down")
            if primitive.contents:
                parts.append(f"proxies: {primitive.contents}")
        if waiting:
            waits = ", ".join(f"{who(w.pid)} {now - w.since:.1f} s" for w in waiting)
            parts.append(f"waiting: {waits}")
        long_wait = any(now - wait.since >= LONG_WAIT for wait in waiting)
        text = f"{primitive.name} ({primitive.site}): {'; '.join(parts) or 'no one waits'}"
        lines.append((safe_text(text), long_wait))  # a file name, a value: data, not markup
    return lines
