"""The program's locks and other primitives, watched: who holds one, who waits, since when.

``MPROC_TUI_SYNC`` names a file that every process of the program maps shared: a row
per primitive (its kind, where it was made, its holder, depth or count, since when)
and a row per process (the primitive it waits on, since when). Each process writes
only what it does itself, so no write needs a lock; mproc-tui reads the file about
ten times a second. An acquire that does not wait costs two ``pack_into`` more than
the bare one (``tests/bench/bench_sync.py`` measures it); nothing is sent anywhere.
Standard library only.
"""

from __future__ import annotations

import os
import struct
import sys
import time

TYPE_CHECKING = False  # typing costs a watched interpreter ~8 ms to import
if TYPE_CHECKING:
    from typing import Any

SYNC_VARIABLE = "MPROC_TUI_SYNC"
MAGIC = b"MPS1"
HEADER = struct.Struct("<4sII")  # magic, primitives made, processes that waited
HEADER_SIZE = 64
# kind, maker pid, holder pid, depth (a count, a size), since, site, contents (a Value's)
PRIMITIVE = struct.Struct("<B3xiiId40s48s")
CONTENTS = struct.Struct("<48s")  # at a primitive's row + 64
COUNT = struct.Struct("<i")  # at a primitive's row + 12
HOLD = struct.Struct("<iid")  # holder pid, depth (or count), since: at a primitive's row + 8
PROCESS = struct.Struct("<iid")  # pid, the primitive it waits on (its number; 0: none), since
WAIT = struct.Struct("<id")  # the primitive waited on, since: at a process's row + 4
MAX_PRIMITIVES = 4096
MAX_PROCESSES = 4096
PROCESSES_AT = HEADER_SIZE + MAX_PRIMITIVES * PRIMITIVE.size
SIZE = PROCESSES_AT + MAX_PROCESSES * PROCESS.size

# Kinds, as the file says them.
LOCK, RLOCK, SEMAPHORE, BOUNDED_SEMAPHORE, CONDITION, EVENT, BARRIER = range(1, 8)
QUEUE, VALUE, ARRAY, PIPE, MANAGER = range(8, 13)

_map: Any = None  # the shared file, mapped; None: not watching
_file = -1
_pid = os.getpid()
_row = -1  # this process's row, once it has waited


def _forget_parent() -> None:
    """A fork child is a process of its own: its pid, and a row of its own when it waits."""
    global _pid, _row, _current
    _pid, _row, _current = os.getpid(), -1, 0


os.register_at_fork(after_in_child=_forget_parent)


def _open() -> bool:
    global _map, _file
    if _map is not None:
        return True
    path = os.environ.get(SYNC_VARIABLE)
    if not path:
        return False
    import mmap

    try:
        _file = os.open(path, os.O_RDWR)
        _map = mmap.mmap(_file, SIZE)
    except (OSError, ValueError):
        return False
    return True


def _take_number(which: int, most: int) -> int:
    """The next number of the header's count ``which`` (1 primitives, 2 processes): the
    file is locked meanwhile (a primitive is made far less often than it is used). A
    POSIX record lock, not flock: a fork child shares its parent's flock, not this."""
    import fcntl

    fcntl.lockf(_file, fcntl.LOCK_EX)
    try:
        counts = list(HEADER.unpack_from(_map, 0))
        number: int = counts[which]
        if number >= most:
            return -1
        counts[which] = number + 1
        HEADER.pack_into(_map, 0, *counts)
        return number
    finally:
        fcntl.lockf(_file, fcntl.LOCK_UN)


def _made(kind: int, own: bool = False) -> int:
    """A row for a new primitive, saying where the program made it; 0 if none is left,
    or if it is a part of another (a Condition's lock, a Queue's locks), unless ``own``."""
    if not _open() or (not own and _inside_another()):
        return 0
    number = _take_number(1, MAX_PRIMITIVES)
    if number < 0:
        return 0
    site = _site()
    PRIMITIVE.pack_into(
        _map, _at(number + 1), kind, _pid, 0, 0, 0.0, site.encode("utf-8", "replace")[:40], b""
    )
    return number + 1


_LIBRARY = os.path.dirname(os.__file__)  # the standard library: multiprocessing is in it


def _inside_another() -> bool:
    """Made by multiprocessing itself, for another of its objects (``ctx.X()`` calls go
    through its context module): a Condition's lock, a Queue's, a Value's."""
    frame = sys._getframe(3)  # the caller of the __init__ that called _made
    while frame is not None and frame.f_code.co_filename.endswith("context.py"):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return False
    path = frame.f_code.co_filename
    return path.startswith(_LIBRARY) and os.sep + "multiprocessing" + os.sep in path


def _at(primitive: int) -> int:
    return HEADER_SIZE + (primitive - 1) * PRIMITIVE.size


def _site() -> str:
    """``file.py:27``: the first frame outside multiprocessing and this module."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        name = os.path.basename(path)
        if "multiprocessing" not in path and not name.startswith("mproc_tui_agent"):
            return f"{os.path.basename(path)}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


_current = 0  # what this process waits on: the outermost wait (a Barrier's, not its lock's)


def _waiting(primitive: int) -> bool:
    """This process waits on ``primitive`` from now; False if it already waits on
    something (a primitive made of others), which stays what it waits on."""
    global _current
    if _current:
        return False
    _current = primitive
    _mark(primitive)
    return True


def _done_waiting() -> None:
    global _current
    _current = 0
    _mark(0)


def _mark(primitive: int) -> None:
    global _row
    if _row < 0:
        number = _take_number(2, MAX_PROCESSES)
        if number < 0:
            return
        _row = PROCESSES_AT + number * PROCESS.size
        PROCESS.pack_into(_map, _row, _pid, 0, 0.0)
    WAIT.pack_into(_map, _row + 4, primitive, time.time() if primitive else 0.0)


# -- the primitives -------------------------------------------------------------------------


def _watch_semlock(lock: Any, kind: int) -> None:
    """Route a Lock's (RLock's, Semaphore's) acquire and release through its row."""
    number = getattr(lock, "_mproc_tui_number", 0)
    if not number:
        return
    at = _at(number) + 8
    semlock = lock._semlock
    raw_acquire, raw_release = semlock.acquire, semlock.release
    pack, shared, clock = HOLD.pack_into, _map, time.time

    if kind == LOCK:

        def held() -> None:
            pack(shared, at, _pid, 1, clock())

        def releasing() -> None:
            pack(shared, at, 0, 0, 0.0)

    elif kind == RLOCK:
        count = semlock._count

        def held() -> None:
            depth = count()
            if depth == 1:
                pack(shared, at, _pid, 1, clock())
            else:
                COUNT.pack_into(shared, at + 4, depth)

        def releasing() -> None:
            depth = count() - 1
            if depth <= 0:
                pack(shared, at, 0, 0, 0.0)
            else:
                COUNT.pack_into(shared, at + 4, depth)

    else:  # a semaphore: no one holder; its value
        value = semlock._get_value

        def held() -> None:
            pack(shared, at, _pid, value(), clock())

        def releasing() -> None:
            pack(shared, at, 0, value() + 1, clock())

    def acquire(block: bool = True, timeout: float | None = None) -> bool:
        if raw_acquire(False):
            held()
            return True
        if not block:
            return False
        marked = _waiting(number)
        try:
            got = raw_acquire(True, timeout)
        finally:
            if marked:
                _done_waiting()
        if got:
            held()
        return bool(got)

    def release() -> None:
        releasing()  # first: once released, another process may take it and say so
        try:
            raw_release()
        except BaseException:  # not released after all (not held, not the owner)
            held()
            raise

    lock.acquire, lock.release = acquire, release


def _wait_marked(method: Any) -> Any:
    """``Event.wait``, ``Condition.wait``, ``Barrier.wait``: the process waits on the object."""

    def wait(self: Any, *args: Any, **kwargs: Any) -> Any:
        number = getattr(self, "_mproc_tui_number", 0)
        if not number or _map is None:
            return method(self, *args, **kwargs)
        marked = _waiting(number)
        try:
            return method(self, *args, **kwargs)
        finally:
            if marked:
                _done_waiting()

    return wait


def first_patch(module: Any) -> bool:
    """Whether to patch ``module`` (queues, sharedctypes, connection, managers) now: the
    program is watched and it is not patched yet; it is then marked and the file mapped
    (patched even when the file cannot be mapped: see ``patch``)."""
    if not os.environ.get(SYNC_VARIABLE) or getattr(module, "_mproc_tui_sync", False):
        return False
    _open()
    module._mproc_tui_sync = True
    return True


def patch(synchronize: Any, carry: bool = True) -> None:
    """Watch every primitive ``multiprocessing.synchronize`` makes from now on.

    Patched whenever the program is watched, even if the file cannot be mapped here
    (its primitives then get no rows): a primitive sent from a process that watches
    carries its row's number, which only a patched class reads back. Without
    ``carry`` (a worker mproc-tui starts, whose spawn children load no agent) the
    number stays home: fork children have it, a sent primitive is a new one."""
    if not os.environ.get(SYNC_VARIABLE) or getattr(synchronize, "_mproc_tui_patched", False):
        return
    if carry:  # (a primitive sent here is watched at once; else mapped at the first made)
        _open()
    synchronize._mproc_tui_patched = True
    semlock_kinds = (
        (synchronize.Lock, LOCK),
        (synchronize.RLock, RLOCK),
        (synchronize.Semaphore, SEMAPHORE),
        (synchronize.BoundedSemaphore, BOUNDED_SEMAPHORE),
    )
    for cls, kind in semlock_kinds:
        _patch_semlock_class(cls, kind, carry)
    for cls, kind in (
        (synchronize.Condition, CONDITION),
        (synchronize.Event, EVENT),
        (synchronize.Barrier, BARRIER),
    ):
        _patch_waiting_class(cls, kind, carry and kind in (CONDITION, BARRIER))


def _patch_semlock_class(cls: Any, kind: int, carry: bool) -> None:
    init = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        self._mproc_tui_number = _made(kind)
        init(self, *args, **kwargs)  # (calls _make_methods)

    def _make_methods(self: Any) -> None:
        self.acquire = self._semlock.acquire
        self.release = self._semlock.release
        _watch_semlock(self, kind)

    cls.__init__, cls._make_methods = __init__, _make_methods
    if carry:
        carry_number(cls)
    cls.__enter__ = lambda self: self.acquire()
    cls.__exit__ = lambda self, *args: self.release()


def carry_number(cls: Any) -> None:
    """A class with its own pickled state sends its row's number along with it."""
    get_state, set_state = cls.__getstate__, cls.__setstate__

    def __getstate__(self: Any) -> Any:
        return (get_state(self), getattr(self, "_mproc_tui_number", 0))

    def __setstate__(self: Any, state: Any) -> None:
        if type(state) is tuple and len(state) == 2 and type(state[1]) is int:
            self._mproc_tui_number = state[1]
            state = state[0]
        set_state(self, state)

    cls.__getstate__, cls.__setstate__ = __getstate__, __setstate__


def _patch_waiting_class(cls: Any, kind: int, carry: bool) -> None:
    init = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        self._mproc_tui_number = _made(kind)
        init(self, *args, **kwargs)
        if kind == BARRIER:
            _note_count(self, self._parties)

    cls.__init__ = __init__
    cls.wait = _wait_marked(cls.wait)
    if kind == BARRIER:  # broken (aborted, timed out) until reset, for the panel
        break_barrier, reset_barrier = cls._break, cls.reset

        def _break(self: Any) -> None:
            break_barrier(self)
            _note_broken(self, True)

        def reset(self: Any) -> None:
            reset_barrier(self)
            _note_broken(self, False)

        cls._break, cls.reset = _break, reset
    if carry:  # (a Condition's, a Barrier's own state for pickling: the number goes along)
        carry_number(cls)
    if kind == EVENT:  # set or clear, for the panel
        set_event, clear_event = cls.set, cls.clear

        def set(self: Any) -> None:
            set_event(self)
            _note_count(self, 1)

        def clear(self: Any) -> None:
            clear_event(self)
            _note_count(self, 0)

        cls.set, cls.clear = set, clear


def _note_count(primitive: Any, count: int) -> None:
    number = getattr(primitive, "_mproc_tui_number", 0)
    if number and _map is not None:
        HOLD.pack_into(_map, _at(number) + 8, _pid, count, time.time())


def _note_broken(barrier: Any, broken: bool) -> None:
    number = getattr(barrier, "_mproc_tui_number", 0)
    if number and _map is not None:
        CONTENTS.pack_into(_map, _at(number) + 64, b"broken" if broken else b"")
