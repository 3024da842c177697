"""How the agent's messages reach mproc-tui: one Unix stream a process, a JSON line a message.

A process killed mid-write cuts only its own last line. Sends never block: what the
socket cannot take now waits, in order, for the next try; what a process has not sent
when it ends goes to a file beside the socket (``spill-PID.jsonl``) that mproc-tui reads
once the stream ends, so the program never waits for the monitor. Only when more than
``MAX_WAITING`` bytes wait (mproc-tui far behind) are the oldest records dropped,
counted, and the count sent with the next batch. Standard library only; nothing pickled.
"""

from __future__ import annotations

import _thread
import os
import time
from typing import Any

SOCKET_VARIABLE = "MPROC_TUI_AGENT_SOCKET"
BATCH = 500  # records a message
FLUSH_EVERY = 0.05  # seconds
MAX_WAITING = 64 * 1024 * 1024  # bytes a process keeps while mproc-tui is behind
FINAL_WAIT = 0.05  # seconds a process that ends gives mproc-tui to take what is left

_json: Any = None
_holder = 0  # the thread that holds this process's lock, while it does
_main_thread = 0
_sigterm_waiting = False  # a SIGTERM came while this thread held the lock
_state_pid = -1  # the process the state below belongs to (a fork child makes its own)
_lock: Any = None  # re-entrant: a SIGTERM may land while it is held
_connection: Any = None  # this process's stream to mproc-tui, or None
_records: list[list[Any]] = []  # records not yet encoded
_out = bytearray()  # encoded lines not yet taken by the socket, in order
_dropped = 0  # records dropped while mproc-tui was far behind, not yet reported
_flushing = False  # a thread flushes every FLUSH_EVERY in this process


# -- sending: one stream a process, a JSON message a line ---------------------------------


def _state() -> Any:
    """This process's lock, made afresh in a fork child (the parent's may be held)."""
    global _state_pid, _lock, _connection, _records, _out, _dropped, _flushing
    global _holder, _sigterm_waiting
    if _state_pid != os.getpid():
        import threading

        _state_pid = os.getpid()
        _lock = threading.RLock()
        _connection, _records, _out, _dropped, _flushing = None, [], bytearray(), 0, False
        _holder, _sigterm_waiting = 0, False
    return _lock


def send(message: dict[str, Any]) -> None:
    """A process message, after the records logged before it; never blocking."""
    with _Holding():
        _encode_records()
        _out.extend(_dumps(message))
        _pump()


def _dumps(message: dict[str, Any]) -> bytes:
    global _json
    if _json is None:
        import json

        _json = json
    line: bytes = _json.dumps(message, default=repr).encode("utf-8", "backslashreplace")
    return line + b"\n"  # JSON escapes newlines: a line is a message


def _pump(wait: float = 0.0) -> None:
    """Hand the socket what it takes now (or, with ``wait``, all of it within that time)."""
    global _connection, _dropped
    if not _out:
        return
    path = os.environ.get(SOCKET_VARIABLE)
    if not path:
        _out.clear()
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
            del _out[:sent]
    except OSError:  # mproc-tui is gone: nobody to tell
        _out.clear()
    if len(_out) > MAX_WAITING:  # mproc-tui far behind: drop whole lines, oldest first
        cut = _out.find(b"\n", len(_out) - MAX_WAITING)
        _dropped += _out.count(b"\n", 0, cut)
        del _out[: cut + 1]


# -- batches of records -------------------------------------------------------------------


def queue(item: list[Any]) -> None:
    global _flushing
    with _Holding():
        _records.append(item)
        if not _flushing:
            _start_flushing()
        if len(_records) >= BATCH:
            _encode_records()
            _pump()


def _start_flushing() -> None:
    global _flushing
    import atexit
    import threading

    _flushing = True
    threading.Thread(target=_flush_now_and_then, name="mproc-tui-agent", daemon=True).start()
    atexit.register(flush, final=True)


def _flush_now_and_then() -> None:
    """The agent's thread takes none of the program's signals: a signal it took would
    leave a main thread blocked in C (a Pool worker waiting for work) never woken."""
    import signal

    try:  # noqa: SIM105 (no contextlib: the agent imports as little as it can)
        signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    except (AttributeError, OSError, ValueError):
        pass
    pid = os.getpid()
    while _state_pid == pid:
        time.sleep(FLUSH_EVERY)
        flush()


def _encode_records() -> None:
    global _dropped
    while _records:
        batch = _records[:BATCH]
        del _records[:BATCH]
        message: dict[str, Any] = {"t": "logs", "records": batch}
        if _dropped:
            message["dropped"], _dropped = _dropped, 0
        _out.extend(_dumps(message))


def flush(final: bool = False) -> None:
    """Send what waits. ``final`` (the process ends): what mproc-tui has not taken within
    ``FINAL_WAIT`` goes to a file beside the socket (``spill-PID.jsonl``), which mproc-tui
    reads once this process's stream ends: the program never waits for the monitor."""
    if _state_pid != os.getpid():
        return
    with _Holding():
        _encode_records()
        _pump(FINAL_WAIT if final else 0.0)
        path = os.environ.get(SOCKET_VARIABLE)
        if final and _out and path:
            spill = os.path.join(os.path.dirname(path), f"spill-{os.getpid()}.jsonl")
            try:
                with open(spill, "ab") as file:
                    file.write(_out)
            except OSError:
                pass
            _out.clear()


class _Holding:
    """This process's lock, held; and who holds it. A SIGTERM handler that interrupts
    the holder itself (between a send and the bookkeeping after it) must not send
    again: it leaves the end to the holder, who ends the process as it lets go."""

    def __enter__(self) -> None:
        global _holder
        _state().acquire()
        _holder = _thread.get_ident()

    def __exit__(self, *exception: object) -> None:
        global _holder
        _holder = 0
        _lock.release()
        if _sigterm_waiting and _thread.get_ident() == _main_thread:
            _end_by_sigterm()


def flush_on_sigterm() -> None:
    """A Pool terminates its workers with SIGTERM: send what waits, then end as SIGTERM
    would have ended it. Only where the program set no handler of its own."""
    import signal

    global _main_thread
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return
    _main_thread = _thread.get_ident()  # where Python runs signal handlers

    def on_sigterm(number: int, frame: Any) -> None:
        global _sigterm_waiting
        if _holder == _thread.get_ident():  # interrupted mid-send: the holder ends it
            _sigterm_waiting = True
        else:
            _end_by_sigterm()

    signal.signal(signal.SIGTERM, on_sigterm)


def _end_by_sigterm() -> None:
    import signal

    flush(final=True)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)
