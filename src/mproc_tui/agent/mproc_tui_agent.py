"""mproc-tui's agent in a watched program: which processes it starts, and what they log.

Loaded by ``sitecustomize`` in every interpreter of the program (its children inherit
the environment; fork children inherit the patches). Standard library only, and lazy:
``multiprocessing`` and ``logging`` are patched when the program imports them, never
imported here. It tells mproc-tui, over a Unix datagram socket, each JSON message on
its own:

- ``start`` (parent side of ``Process.start``): pid, parent, name, daemon, what made it;
- ``run`` (child side, ``Process._bootstrap``): the process runs under its own name;
- ``exit``: an exit code, when the child returns from ``_bootstrap`` or its parent joins it;
- ``logs``: the ``logging`` records created (through the record factory: a handler on
  the root logger would make the program's own ``basicConfig()`` do nothing), a
  batch a datagram: every 50 ms from a thread of the agent's, and at once when 200
  wait, when the process ends, and when it gets SIGTERM (as a Pool's workers do).

Sends never block. A batch the socket cannot take now waits for the next try; only
when more than ``MAX_PENDING`` records wait (mproc-tui far behind) are the oldest
dropped, counted, and the count sent with the next batch. Process messages go to a
socket of their own (``SOCKET + ".control"``), so a flood of records cannot crowd
them out. Nothing is pickled.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

SOCKET_VARIABLE = "MPROC_TUI_AGENT_SOCKET"
LEVEL_VARIABLE = "MPROC_TUI_AGENT_LEVEL"
START_METHOD_VARIABLE = "MPROC_TUI_AGENT_START_METHOD"  # the program's default, if it sets none
MAX_TEXT = 60_000  # characters of a message or traceback that fit in one datagram
BATCH = 200  # records a datagram
BATCH_BYTES = 100_000
FLUSH_EVERY = 0.05  # seconds
MAX_PENDING = 200_000  # records a process keeps while mproc-tui is behind
FINAL_TRIES = 200  # at the end, tries 5 ms apart before what is left is dropped

_sockets: dict[bool, Any] = {}  # control or not -> this process's socket
_socket_pid = -1
_dropped = 0
_json: Any = None
_installed = False
_pending: list[list[Any]] = []  # this process's records, not yet in a batch
_ready: list[tuple[bytes, int]] = []  # batches the socket could not take yet, in order
_waiting = 0  # records in _ready
_pending_pid = -1
_pending_lock: Any = None


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


# -- sending ------------------------------------------------------------------------------


def send(message: dict[str, Any], control: bool = False) -> bool:
    """One message, never blocking; False if it could not go now."""
    return _send_bytes(_dumps(message), control)


def _dumps(message: dict[str, Any]) -> bytes:
    global _json
    if _json is None:
        import json

        _json = json
    data: bytes = _json.dumps(message, default=repr).encode("utf-8", "backslashreplace")
    return data


def _send_bytes(data: bytes, control: bool = False) -> bool:
    global _socket_pid
    path = os.environ.get(SOCKET_VARIABLE)
    if not path:
        return True
    pid = os.getpid()
    try:
        if _socket_pid != pid:  # a fork child: sockets of its own
            _sockets.clear()
            _socket_pid = pid
        sender = _sockets.get(control)
        if sender is None:
            import socket

            sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            sender.setblocking(False)
            sender.connect(path + ".control" if control else path)
            _sockets[control] = sender
        sender.send(data)
        return True
    except OSError:  # full (the app is behind), gone (the app ended), or too large
        return False


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
            },
            control=True,
        )

    def patched_bootstrap(self: Any, *args: Any, **kwargs: Any) -> int:
        message = {"t": "run", "pid": os.getpid(), "name": self.name, "daemon": bool(self.daemon)}
        send(message, control=True)
        _flush_on_sigterm()
        code = 1
        try:
            code = bootstrap(self, *args, **kwargs)
        finally:
            flush(final=True)
            send({"t": "exit", "pid": os.getpid(), "code": code}, control=True)
        return code  # type: ignore[no-any-return]

    def patched_join(self: Any, timeout: float | None = None) -> None:
        join(self, timeout)
        code = self._popen.returncode if self._popen is not None else None
        if code is not None:
            send({"t": "exit", "pid": self.pid, "code": code}, control=True)

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
    if _pending_pid != os.getpid():
        _start_batching()
    _pending.append(item)  # atomic; flush takes from the front under the lock
    if len(_pending) >= BATCH:
        flush()


def _start_batching() -> None:
    """In each process (a fork child too): its own lock, list and flushing thread."""
    global _pending_pid, _pending_lock, _pending, _waiting
    import atexit
    import threading

    _pending_pid = os.getpid()
    _pending_lock = threading.RLock()  # re-entrant: a SIGTERM may land while it is held
    _pending, _waiting = [], 0
    _ready.clear()
    threading.Thread(target=_flush_now_and_then, name="mproc-tui-agent", daemon=True).start()
    atexit.register(flush, final=True)


def _flush_now_and_then() -> None:
    pid = os.getpid()
    while _pending_pid == pid:
        time.sleep(FLUSH_EVERY)
        flush()


def flush(final: bool = False) -> None:
    """Send what waits, a batch a datagram, in order; a datagram the socket cannot take
    waits for the next try (``final``: tried for up to a second, then dropped, counted)."""
    global _dropped, _waiting
    if _pending_pid != os.getpid() or _pending_lock is None:
        return
    with _pending_lock:  # one sender at a time: batches go out in the order logged
        while _pending:
            batch = _pending[:BATCH]
            size = sum(len(item[10]) + len(item[11] or "") for item in batch)
            while len(batch) > 1 and size > BATCH_BYTES:
                size -= len(batch[-1][10]) + len(batch[-1][11] or "")
                batch.pop()
            del _pending[: len(batch)]
            _ready.append((_encode(batch), len(batch)))
            _waiting += len(batch)
        tries = FINAL_TRIES if final else 1
        while _ready:
            if _send_bytes(_ready[0][0]):
                _waiting -= _ready.pop(0)[1]
                continue
            tries -= 1
            if tries <= 0:
                break
            time.sleep(0.005)
        while _ready and (final or _waiting > MAX_PENDING):  # the oldest go first
            count = _ready.pop(0)[1]
            _waiting -= count
            _dropped += count


def _encode(batch: list[list[Any]]) -> bytes:
    global _dropped
    message: dict[str, Any] = {"t": "logs", "records": batch}
    if _dropped:
        message["dropped"], _dropped = _dropped, 0
    return _dumps(message)


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
