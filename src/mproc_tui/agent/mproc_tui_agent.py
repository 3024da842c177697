"""mproc-tui's agent in a watched program: which processes it starts, and what they log.

Loaded by ``sitecustomize`` in every interpreter of the program (its children inherit
the environment; fork children inherit the patches). Standard library only, and lazy:
``multiprocessing`` and ``logging`` are patched when the program imports them, never
imported here. It tells mproc-tui:

- ``start`` (parent side of ``Process.start``): pid, parent, name, daemon, what made it;
- ``run`` (child side, ``Process._bootstrap``): the process runs under its own name;
- ``exit``: an exit code, when the child returns from ``_bootstrap`` or its parent joins it;
- ``logs``: the ``logging`` records created (through the record factory: a handler on
  the root logger would make the program's own ``basicConfig()`` do nothing), a
  batch a datagram: every 50 ms from a thread of the agent's, and at once when 200
  wait, when the process ends, and when it gets SIGTERM (as a Pool's workers do).

Each process has its own stream to mproc-tui (a Unix socket), one JSON message a line,
so a process killed mid-write cuts only its own last line. Sends never block: what the
socket cannot take now waits, in order, for the next try; a process that ends leaves
the rest in a file for mproc-tui (``flush``). Only when more than ``MAX_WAITING``
bytes wait (mproc-tui far behind) are the oldest records dropped, counted, and the
count sent with the next batch. Nothing is pickled.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

SOCKET_VARIABLE = "MPROC_TUI_AGENT_SOCKET"
LEVEL_VARIABLE = "MPROC_TUI_AGENT_LEVEL"
START_METHOD_VARIABLE = "MPROC_TUI_AGENT_START_METHOD"  # the program's default, if it sets none
MAX_TEXT = 60_000  # characters of a message or traceback kept
BATCH = 500  # records a message
FLUSH_EVERY = 0.05  # seconds
MAX_WAITING = 64 * 1024 * 1024  # bytes a process keeps while mproc-tui is behind
FINAL_WAIT = 0.05  # seconds a process that ends gives mproc-tui to take what is left

_installed = False
_json: Any = None
_state_pid = -1  # the process the state below belongs to (a fork child makes its own)
_lock: Any = None  # re-entrant: a SIGTERM may land while it is held
_connection: Any = None  # this process's stream to mproc-tui, or None
_records: list[list[Any]] = []  # records not yet encoded
_out = bytearray()  # encoded lines not yet taken by the socket, in order
_dropped = 0  # records dropped while mproc-tui was far behind, not yet reported
_flushing = False  # a thread flushes every FLUSH_EVERY in this process


def install() -> None:
    """Patch what is already imported; patch the rest as the program imports it."""
    global _installed
    if _installed:
        return
    _installed = True
    if "multiprocessing.context" in sys.modules:
        _set_default_start_method(sys.modules["multiprocessing.context"])
    if "multiprocessing.process" in sys.modules:
        _patch_multiprocessing(sys.modules["multiprocessing.process"])
    if "logging" in sys.modules:
        _patch_logging(sys.modules["logging"])
    sys.meta_path.insert(0, _PatchOnImport())


# -- sending: one stream a process, a JSON message a line ---------------------------------


def _state() -> Any:
    """This process's lock, made afresh in a fork child (the parent's may be held)."""
    global _state_pid, _lock, _connection, _records, _out, _dropped, _flushing
    if _state_pid != os.getpid():
        import threading

        _state_pid = os.getpid()
        _lock = threading.RLock()
        _connection, _records, _out, _dropped, _flushing = None, [], bytearray(), 0, False
    return _lock


def send(message: dict[str, Any]) -> None:
    """A process message, after the records logged before it; never blocking."""
    with _state():
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


# -- processes ----------------------------------------------------------------------------


def _made_by() -> str:
    """What started the process: a Pool, an executor, a Manager, or the program itself."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == "multiprocessing.pool":
            return "Pool"
        if module == "concurrent.futures.process":
            return "Executor"
        if module == "multiprocessing.managers":
            return "Manager"
        frame = frame.f_back  # type: ignore[assignment]
    return "Process"


def _start_method(process: Any) -> str:
    method = getattr(process, "_start_method", None)
    if method is None and "multiprocessing" in sys.modules:
        method = sys.modules["multiprocessing"].get_start_method(allow_none=True)
    return method or ""


def _set_default_start_method(context_module: Any) -> None:
    """``mproc-tui run --start-method``: the start method the program gets unless it
    chooses its own (it still may: the default context stays unset)."""
    method = os.environ.get(START_METHOD_VARIABLE)
    default = getattr(context_module, "_default_context", None)
    contexts = getattr(context_module, "_concrete_contexts", {})
    if method in contexts and default is not None:
        default._default_context = contexts[method]  # private: what get_context() falls back to


def _patch_multiprocessing(process_module: Any) -> None:
    base = process_module.BaseProcess
    if getattr(base, "_mproc_tui_patched", False):
        return
    base._mproc_tui_patched = True
    start, bootstrap, join = base.start, base._bootstrap, base.join

    def patched_start(self: Any) -> None:
        start(self)
        send(
            {
                "t": "start",
                "pid": self.pid,
                "ppid": os.getpid(),
                "name": self.name,
                "daemon": bool(self.daemon),
                "kind": _made_by(),
                "method": _start_method(self),
                "time": time.time(),
            }
        )

    def patched_bootstrap(self: Any, *args: Any, **kwargs: Any) -> int:
        message = {"t": "run", "pid": os.getpid(), "name": self.name, "daemon": bool(self.daemon)}
        send(message)
        _flush_on_sigterm()
        code = 1
        try:
            code = bootstrap(self, *args, **kwargs)
        finally:
            send({"t": "exit", "pid": os.getpid(), "code": code})
            flush(final=True)
        return code  # type: ignore[no-any-return]

    def patched_join(self: Any, timeout: float | None = None) -> None:
        join(self, timeout)
        code = self._popen.returncode if self._popen is not None else None
        if code is not None:
            send({"t": "exit", "pid": self.pid, "code": code})

    base.start, base._bootstrap, base.join = patched_start, patched_bootstrap, patched_join


# -- logging ------------------------------------------------------------------------------


def _patch_logging(logging: Any) -> None:
    if getattr(logging, "_mproc_tui_patched", False):
        return
    logging._mproc_tui_patched = True
    make_record = logging.getLogRecordFactory()
    formatter = logging.Formatter()

    def factory(*args: Any, **kwargs: Any) -> Any:
        record = make_record(*args, **kwargs)
        try:  # noqa: SIM105 (contextlib is one more import, and slower, on every record)
            _send_record(record, formatter)
        except Exception:  # a record that cannot be read is the program's, not ours
            pass
        return record

    logging.setLogRecordFactory(factory)
    _set_floor(logging)


def _send_record(record: Any, formatter: Any) -> None:
    try:
        message = record.getMessage()
    except Exception as error:
        message = f"{record.msg!r} (could not format: {error!r})"
    traceback = None
    if record.exc_info:
        traceback = formatter.formatException(record.exc_info)
    elif record.exc_text:
        traceback = record.exc_text
    if record.stack_info:
        traceback = f"{traceback}\n{record.stack_info}" if traceback else record.stack_info
    _queue(
        [
            record.created,
            record.levelno,
            record.levelname,
            record.name,
            record.processName,
            record.process,
            record.threadName,
            record.pathname,
            record.lineno,
            record.funcName,
            str(message)[:MAX_TEXT],
            None if traceback is None else str(traceback)[:MAX_TEXT],
        ]
    )


# -- batches of records -------------------------------------------------------------------


def _queue(item: list[Any]) -> None:
    global _flushing
    with _state():
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
    with _state():
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


def _flush_on_sigterm() -> None:
    """A Pool terminates its workers with SIGTERM: send what waits, then end as SIGTERM
    would have ended it. Only where the program set no handler of its own."""
    import signal

    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def on_sigterm(number: int, frame: Any) -> None:
        flush(final=True)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_sigterm)


def _set_floor(logging: Any) -> None:
    """In a process whose logging is unconfigured, records down to mproc-tui's ``--level``
    are created (and so arrive). The root logger gets its default level back the moment
    the program configures it (adds a handler or sets a level), so the program's own
    output is what it would have been."""
    level = os.environ.get(LEVEL_VARIABLE)
    root = logging.getLogger()
    if not level or root.handlers or root.level != logging.WARNING:
        return
    set_level, add_handler = root.setLevel, root.addHandler
    set_level(int(level))
    floor = [True]

    def program_sets_level(value: Any) -> None:
        floor[0] = False
        set_level(value)

    def program_adds_handler(handler: Any) -> None:
        if floor[0]:
            floor[0] = False
            set_level(logging.WARNING)  # basicConfig(level=...) sets its own after this
        add_handler(handler)

    root.setLevel, root.addHandler = program_sets_level, program_adds_handler


# -- patching on import -------------------------------------------------------------------

_PATCHES = {
    "multiprocessing.context": _set_default_start_method,
    "multiprocessing.process": _patch_multiprocessing,
    "logging": _patch_logging,
}


class _PatchOnImport:
    """A meta path finder that lets the real finders load a module, then patches it."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        exec_module = loader.exec_module

        def exec_and_patch(module: Any) -> None:
            exec_module(module)
            try:
                patch(module)
            except Exception as error:
                sys.stderr.write(f"mproc-tui: could not watch {name}: {error!r}\n")

        spec.loader = _Loader(loader, exec_and_patch)  # type: ignore[assignment]
        return spec


class _Loader:
    def __init__(self, loader: Any, exec_module: Any) -> None:
        self._loader = loader
        self.exec_module = exec_module

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)
