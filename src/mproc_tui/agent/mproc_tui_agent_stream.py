"""How the agent's messages reach mproc-tui: one Unix stream a process, a frame a message.

A frame is its payload's length and record count (4 bytes each, little-endian), then the
payload: a dict of plain values (str, int, float, None, tuples, lists) in ``marshal``
format 4, ten times cheaper than JSON for a program that logs hard, and readable by
every Python 3. A process killed mid-write cuts only its own last frame. Sends never
block: what the socket cannot take now waits, in order, for the next try; what a
process has not sent when it ends goes to a file beside the socket (``spill-PID.bin``)
that mproc-tui reads once the stream ends, so the program never waits for the
monitor. Only when more than ``MAX_WAITING`` bytes wait (mproc-tui far behind) are the
oldest batches of records dropped, counted, and the count sent with the next batch.
Standard library only.
"""

from __future__ import annotations

import _thread
import marshal
import os
import time

TYPE_CHECKING = False  # typing costs a watched interpreter ~8 ms to import
if TYPE_CHECKING:
    from typing import Any

SOCKET_VARIABLE = "MPROC_TUI_AGENT_SOCKET"
BATCH = 500  # records a message
FLUSH_EVERY = 0.05  # seconds
MAX_WAITING = 64 * 1024 * 1024  # bytes a process keeps while mproc-tui is behind
FINAL_WAIT = 0.0  # seconds a process that ends gives mproc-tui to take what is left

MARSHAL_VERSION = 4  # what every Python 3 since 3.4 reads and writes
_holder = 0  # the thread that holds this process's lock, while it does
_main_thread = 0
_sigterm_waiting = False  # a SIGTERM came while this thread held the lock
_lock: Any = _thread.RLock()  # re-entrant: a SIGTERM may land while it is held
_connection: Any = None  # this process's stream to mproc-tui, or None
# Records not yet encoded. The agent appends without the lock (an append is atomic);
# whoever sends takes them from the front, holding it. Its identity never changes.
waiting_records: list[tuple[Any, ...]] = []
_out = bytearray()  # encoded frames not yet taken by the socket, in order
_whole = 0  # where in _out the first frame the socket has none of begins
_dropped = 0  # records dropped while mproc-tui was far behind, not yet reported
flushing = False  # a thread flushes every FLUSH_EVERY in this process
_sigterm_pipe = (-1, -1)  # where Python's C-level handler notes a SIGTERM (wakeup fd)
_ending = False  # the SIGTERM handler has begun
NUDGE_AFTER = 0.1  # seconds a noted SIGTERM may wait for its handler before a nudge


def _forget_parent() -> None:
    """A fork child starts empty: the parent's lock may be held, its lines are its own.

    Its frames are a new buffer, not the parent's emptied: a thread of the parent may
    have been inside ``send(_out)`` at the fork, and in the child that buffer stays
    exported for good (``del _out[:]`` raised BufferError in the forked worker)."""
    global _lock, _connection, _dropped, flushing, _holder, _sigterm_waiting, _whole, _out
    _lock, _connection, _dropped, flushing, _whole = _thread.RLock(), None, 0, False, 0
    _holder, _sigterm_waiting = 0, False
    del waiting_records[:]
    _out = bytearray()
    _stop_noting_sigterm()


os.register_at_fork(after_in_child=_forget_parent)


# -- sending: one stream a process, a frame a message -------------------------------------


def send(message: dict[str, Any]) -> None:
    """A process message, after the records logged before it; never blocking."""
    with _Holding():
        _encode_records()
        _out.extend(_frame(message, 0))
        _pump()


def _frame(message: dict[str, Any], records: int) -> bytes:
    try:
        payload = marshal.dumps(message, MARSHAL_VERSION)
    except ValueError:  # a field of a type marshal does not take: its repr instead
        payload = marshal.dumps(_plain(message), MARSHAL_VERSION)
    return len(payload).to_bytes(4, "little") + records.to_bytes(4, "little") + payload


def _plain(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if type(value) in (tuple, list):
        return [_plain(item) for item in value]
    if type(value) is dict:
        return {str(key): _plain(item) for key, item in value.items()}
    return repr(value)


def _pump(wait: float = 0.0) -> None:
    """Hand the socket what it takes now (or, with ``wait``, all of it within that time)."""
    global _connection
    if not _out:
        return
    path = os.environ.get(SOCKET_VARIABLE)
    if not path:
        _forget_frames(len(_out))
        return
    try:
        if _connection is None:
            import socket

            _connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            _connection.connect(path)
            _connection.setblocking(False)
        deadline = time.monotonic() + wait
        while _out:
            try:
                sent = _connection.send(_out)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                import select

                select.select([], [_connection], [], max(0.0, deadline - time.monotonic()))
                continue
            _forget_frames(sent)
    except OSError:  # mproc-tui is gone: nobody to tell
        _forget_frames(len(_out))
    if len(_out) > MAX_WAITING:
        _drop_oldest_records()


def _forget_frames(sent: int) -> None:
    """The socket has taken the first ``sent`` bytes; where the next whole frame begins."""
    global _whole
    while _whole < sent:
        _whole += 8 + int.from_bytes(_out[_whole : _whole + 4], "little")
    _whole -= sent
    del _out[:sent]


def _drop_oldest_records() -> None:
    """mproc-tui is far behind: whole batches of records go, oldest first, and are
    counted; process messages stay (rows must still start and end)."""
    global _dropped
    start = _whole
    while len(_out) > MAX_WAITING and start < len(_out):
        size = 8 + int.from_bytes(_out[start : start + 4], "little")
        records = int.from_bytes(_out[start + 4 : start + 8], "little")
        if records:
            _dropped += records
            del _out[start : start + size]
        else:
            start += size


# -- batches of records -------------------------------------------------------------------


def send_waiting() -> None:
    """Called when a batch is full, or records wait with no thread to flush them."""
    with _Holding():
        if not flushing:
            _start_flushing()
        if len(waiting_records) >= BATCH:
            _encode_records()
            _pump()


def _start_flushing() -> None:
    global flushing
    import atexit
    import threading

    flushing = True
    threading.Thread(target=_flush_now_and_then, name="mproc-tui-agent", daemon=True).start()
    atexit.register(flush, final=True)


def _flush_now_and_then() -> None:
    """The agent's thread takes none of the program's signals: a signal it took would
    leave a main thread blocked in C (a Pool worker waiting for work) never woken.
    It watches for a SIGTERM whose handler has not run (see ``flush_on_sigterm``)."""
    import select
    import signal

    try:  # noqa: SIM105 (no contextlib: the agent imports as little as it can)
        signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    except (AttributeError, OSError, ValueError):
        pass
    while True:  # a fork child has no copy of this thread
        noted = _sigterm_pipe[0]
        if noted < 0:
            time.sleep(FLUSH_EVERY)
        elif select.select([noted], [], [], FLUSH_EVERY)[0] and _took_sigterm(noted):
            _nudge()
        flush()


def _encode_records() -> None:
    global _dropped
    while waiting_records:  # slice, then delete: what is appended meanwhile stays
        batch = waiting_records[:BATCH]
        del waiting_records[: len(batch)]
        message: dict[str, Any] = {"t": "logs", "records": batch}
        if _dropped:
            message["dropped"], _dropped = _dropped, 0
        _out.extend(_frame(message, len(batch) + message.get("dropped", 0)))


def flush(final: bool = False) -> None:
    """Send what waits. ``final`` (the process ends): what mproc-tui has not taken within
    ``FINAL_WAIT`` goes to a file beside the socket (``spill-PID.bin``), which mproc-tui
    reads once this process's stream ends: the program never waits for the monitor."""
    with _Holding():
        _encode_records()
        _pump(FINAL_WAIT if final else 0.0)
        path = os.environ.get(SOCKET_VARIABLE)
        if final and _out and path:
            spill = os.path.join(os.path.dirname(path), f"spill-{os.getpid()}.bin")
            try:
                with open(spill, "ab") as file:
                    file.write(_out)
            except OSError:
                pass
            _forget_frames(len(_out))


class _Holding:
    """This process's lock, held; and who holds it. A SIGTERM handler that interrupts
    the holder itself (between a send and the bookkeeping after it) must not send
    again: it leaves the end to the holder, who ends the process as it lets go."""

    def __enter__(self) -> None:
        global _holder
        _lock.acquire()
        _holder = _thread.get_ident()

    def __exit__(self, *exception: object) -> None:
        global _holder
        _holder = 0
        _lock.release()
        if _sigterm_waiting and _thread.get_ident() == _main_thread:
            _end_by_sigterm()


def flush_on_sigterm() -> None:
    """A Pool terminates its workers with SIGTERM: send what waits, then end as SIGTERM
    would have ended it. Only where the program set no handler of its own.

    A Python handler has a gap: a SIGTERM that lands just before the main thread blocks
    in C (a Pool worker about to wait for its next task) is noted but not handled until
    the call returns, and it never does (1 run in 20 of a 4-worker Pool hung so). So
    Python's C-level handler also notes each signal in a pipe (``set_wakeup_fd``), and
    the agent's thread, seeing a SIGTERM there whose handler has not begun, signals the
    main thread again: its blocking call returns, and the handler runs.
    """
    import signal

    global _main_thread
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return
    _main_thread = _thread.get_ident()  # where Python runs signal handlers

    def on_sigterm(number: int, frame: Any) -> None:
        global _sigterm_waiting, _ending
        _ending = True
        if _holder == _thread.get_ident():  # interrupted mid-send: the holder ends it
            _sigterm_waiting = True
        else:
            _end_by_sigterm()

    signal.signal(signal.SIGTERM, on_sigterm)
    _note_sigterm()
    with _Holding():
        if not flushing:
            _start_flushing()


def _note_sigterm() -> None:
    global _sigterm_pipe
    import signal

    read, write = os.pipe()
    os.set_blocking(write, False)
    try:
        previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    except (ValueError, OSError):
        previous = -2
    if previous != -1:  # the program's own (asyncio's, say): it keeps it
        if previous >= 0:
            signal.set_wakeup_fd(previous)
        os.close(read)
        os.close(write)
        return
    _sigterm_pipe = (read, write)


def _stop_noting_sigterm() -> None:
    """A fork child: the parent's pipe is the parent's."""
    global _sigterm_pipe
    if _sigterm_pipe[0] < 0:
        return
    import signal

    try:  # noqa: SIM105
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError):
        pass
    for end in _sigterm_pipe:
        try:  # noqa: SIM105
            os.close(end)
        except OSError:
            pass
    _sigterm_pipe = (-1, -1)


def _took_sigterm(noted: int) -> bool:
    import signal

    try:
        return bytes([signal.SIGTERM]) in os.read(noted, 512)
    except OSError:
        return False


def _nudge() -> None:
    """A SIGTERM is noted: give its handler a moment, then wake the main thread again."""
    import signal

    deadline = time.monotonic() + NUDGE_AFTER
    while not _ending:
        if time.monotonic() >= deadline:
            try:
                signal.pthread_kill(_main_thread, signal.SIGTERM)
            except (OSError, ValueError):
                return
            deadline = time.monotonic() + NUDGE_AFTER
        time.sleep(0.01)


def _end_by_sigterm() -> None:
    """Once, and whatever the flush does: the flag is cleared first (the flush's own
    let-go must not come back here) and the process ends even if the flush fails."""
    import signal

    global _sigterm_waiting
    _sigterm_waiting = False
    try:
        flush(final=True)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
