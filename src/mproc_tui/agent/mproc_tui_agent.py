"""mproc-tui's agent in a watched program: which processes it starts, and what they log.

Loaded by ``sitecustomize`` in every interpreter of the program (its children inherit
the environment; fork children inherit the patches). Standard library only, and lazy:
``multiprocessing`` and ``logging`` are patched when the program imports them, never
imported here. It tells mproc-tui:

- ``start`` (parent side of ``Process.start``): pid, parent, name, daemon, what made it;
- ``run`` (child side, ``Process._bootstrap``): the process runs under its own name;
- ``exit``: an exit code, when the child returns from ``_bootstrap`` or its parent joins it;
- ``hello``: once, from the program's first interpreter: the agent loaded (``python -I``,
  ``-E`` or ``-S`` would have kept it out, and mproc-tui says so when no hello comes);
- ``logs``: the ``logging`` records created (through the record factory: a handler on
  the root logger would make the program's own ``basicConfig()`` do nothing), in
  batches: every 50 ms, at once when 500 wait, when the process ends, and when it
  gets SIGTERM (as a Pool's workers do).

How the messages travel is ``mproc_tui_agent_stream.py``'s business.
"""

from __future__ import annotations

import marshal
import os
import sys
import time

import mproc_tui_agent_stream as stream  # type: ignore[import-not-found]  # beside this file

TYPE_CHECKING = False  # typing costs a watched interpreter ~8 ms to import
if TYPE_CHECKING:
    from typing import Any

LEVEL_VARIABLE = "MPROC_TUI_AGENT_LEVEL"
START_METHOD_VARIABLE = "MPROC_TUI_AGENT_START_METHOD"  # the program's default, if it sets none
STACKS_VARIABLE = "MPROC_TUI_STACKS"  # where p's stack dumps go (mproc-tui's core/stacks.py)
HELLO_VARIABLE = "MPROC_TUI_AGENT_HELLO"  # set for the program's first interpreter alone
MAX_TEXT = 60_000  # characters of a message or traceback kept

_installed = False


def install() -> None:
    """Patch what is already imported; patch the rest as the program imports it."""
    global _installed
    if _installed:
        return
    _installed = True
    for name, patch in _PATCHES.items():  # (in order: the context before the rest)
        if name in sys.modules:
            patch(sys.modules[name])
    sys.meta_path.insert(0, _PatchOnImport())
    _register_stacks()
    if os.environ.pop(HELLO_VARIABLE, None) is not None:  # its children do not inherit it
        _say_hello()


_stack_file: list[Any] = []  # kept open: faulthandler writes to it from a signal handler


def _register_stacks() -> None:
    """``p``: on mproc-tui's signal (SIGRTMIN+4), write every thread's stack to this
    process's own file; the file gets its name only once the handler is in place, so
    mproc-tui never signals a process the signal would end. A forked child registers
    again: its parent's file is not its own."""
    directory = os.environ.get(STACKS_VARIABLE)
    if not directory:
        return
    try:
        import _signal  # type: ignore[import-not-found]  # (signal.py: ~1 ms of enums)
        import faulthandler

        path = os.path.join(directory, f"{os.getpid()}.stack")
        stream_file = open(path + ".new", "a", encoding="utf-8")  # noqa: SIM115
        faulthandler.register(_signal.SIGRTMIN + 4, file=stream_file, all_threads=True, chain=False)
        os.replace(path + ".new", path)
    except (ImportError, AttributeError, OSError, ValueError, RuntimeError):
        return  # no stacks for this process: p says so, the program runs on
    _stack_file[:] = [stream_file]


def _say_hello() -> None:
    """Tell mproc-tui the agent loaded: without it, mproc-tui cannot tell a program run
    with ``python -I`` from one slow to start. On a connection of its own, through
    ``_socket``: the stream's would import ``socket`` (~8 ms of the program's start-up)."""
    import _socket

    path = os.environ.get(stream.SOCKET_VARIABLE)
    if not path:
        return
    payload = marshal.dumps({"t": "hello", "pid": os.getpid()}, stream.MARSHAL_VERSION)
    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        connection.setblocking(False)  # a full backlog must not hold the program up
        connection.connect(path)
        connection.send(len(payload).to_bytes(4, "little") + bytes(4) + payload)
    except OSError:  # mproc-tui is gone, or far behind: it will say the agent is missing
        pass
    finally:
        connection.close()


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
        stream.send(
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
        # Its parent's own "start" may come later (another process's stream): say who it is.
        parent = getattr(self, "_parent_pid", None)
        if isinstance(parent, int):
            message["ppid"] = parent
        stream.send(message)
        stream.flush_on_sigterm()
        _register_stacks()
        links = sys.modules.get("mproc_tui_agent_links")
        if links is not None:  # the pipe ends among its arguments are now this process's
            try:
                links.note_ends(self)
            except Exception as error:  # the program runs whatever happens to the agent
                sys.stderr.write(f"mproc-tui: could not note pipe ends: {error!r}\n")
        code = 1
        try:
            code = bootstrap(self, *args, **kwargs)
        finally:
            stream.send({"t": "exit", "pid": os.getpid(), "code": code})
            stream.flush(final=True)
        return code  # type: ignore[no-any-return]

    def patched_join(self: Any, timeout: float | None = None) -> None:
        join(self, timeout)
        code = self._popen.returncode if self._popen is not None else None
        if code is not None:
            stream.send({"t": "exit", "pid": self.pid, "code": code})

    base.start, base._bootstrap, base.join = patched_start, patched_bootstrap, patched_join


# -- logging ------------------------------------------------------------------------------


def _patch_logging(logging: Any) -> None:
    if getattr(logging, "_mproc_tui_patched", False):
        return
    logging._mproc_tui_patched = True
    make_record = logging.getLogRecordFactory()
    formatter = logging.Formatter()
    waiting, batch = stream.waiting_records, stream.BATCH

    def factory(*args: Any, **kwargs: Any) -> Any:
        """The record, and its fields kept for the next batch: this runs for every
        record the program logs, so it is all here, one call."""
        record = make_record(*args, **kwargs)
        try:
            try:
                message = record.getMessage()
            except Exception as error:
                message = f"{record.msg!r} (could not format: {error!r})"
            if type(message) is not str:
                message = str(message)
            traceback = None
            if record.exc_info or record.exc_text or record.stack_info:
                traceback = _traceback(record, formatter)
            waiting.append(
                (
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
                    message if len(message) <= MAX_TEXT else message[:MAX_TEXT],
                    traceback,
                )
            )
            if len(waiting) >= batch or not stream.flushing:
                stream.send_waiting()
        except Exception:  # a record that cannot be read is the program's, not ours
            pass
        return record

    logging.setLogRecordFactory(factory)
    _set_floor(logging)


def _traceback(record: Any, formatter: Any) -> str | None:
    traceback = None
    if record.exc_info:
        traceback = formatter.formatException(record.exc_info)
    elif record.exc_text:
        traceback = record.exc_text
    if record.stack_info:
        traceback = f"{traceback}\n{record.stack_info}" if traceback else record.stack_info
    return None if traceback is None else str(traceback)[:MAX_TEXT]


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


def _patch_queues(queues_module: Any) -> None:
    """Send a process's records before anything it puts on a multiprocessing queue: a
    Pool worker's records go before its result, so they are out before the Pool,
    having its results, terminates the worker (it need not wait for SIGTERM's flush)."""
    for name in ("SimpleQueue", "Queue"):
        queue_class = getattr(queues_module, name, None)
        if queue_class is None or getattr(queue_class, "_mproc_tui_patched", False):
            continue
        queue_class._mproc_tui_patched = True
        put = queue_class.put

        def patched_put(self: Any, *args: Any, _put: Any = put, **kwargs: Any) -> Any:
            stream.flush()
            return _put(self, *args, **kwargs)

        queue_class.put = patched_put
    _values().patch_queues(queues_module)  # (after the flush: its put wraps this one)


def _beside(name: str) -> Any:
    """An agent file beside this one, imported when first needed."""
    return __import__(name)


def _values() -> Any:
    return _beside("mproc_tui_agent_values")


def _panel(file: str, function: str) -> Any:
    """A patch for the primitives panel, from the agent file that holds it: locks and
    the like (sync), values and arrays (values), pipes and managers (links)."""

    def patch(module: Any) -> None:
        getattr(_beside(file), function)(module)

    return patch


_PATCHES = {
    "multiprocessing.context": _set_default_start_method,
    "multiprocessing.process": _patch_multiprocessing,
    "multiprocessing.queues": _patch_queues,
    "multiprocessing.synchronize": _panel("mproc_tui_agent_sync", "patch"),
    "multiprocessing.sharedctypes": _panel("mproc_tui_agent_values", "patch_sharedctypes"),
    "multiprocessing.connection": _panel("mproc_tui_agent_links", "patch_connection"),
    "multiprocessing.managers": _panel("mproc_tui_agent_links", "patch_managers"),
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
