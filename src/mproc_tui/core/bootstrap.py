"""What runs first inside every worker, before the user's target.

Order matters: the death signal is set before anything else so the worker cannot
outlive the app; logging is routed to the worker's own queue before the target's
module is imported, so a ``logging.basicConfig`` in user code finds a handler and
adds none; stdout and stderr are captured so nothing paints over the TUI.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import multiprocessing.popen_fork  # (these four here: the fork server preloads them for
import multiprocessing.popen_forkserver  # every worker; unpickling a worker's Process and
import multiprocessing.queues  # its Queue imported three of them in each, 2 ms of its 8)
import multiprocessing.synchronize
import os
import signal
import sys
import traceback
from multiprocessing import forkserver
from typing import Any, NamedTuple

from mproc_tui.agent import mproc_tui_agent_sync as sync_agent
from mproc_tui.core.child_logs import relay_children, wait_for_children
from mproc_tui.core.death_signal import die_with_parent
from mproc_tui.core.entry_handler import EntryQueueHandler
from mproc_tui.core.garbage import give_back_python_thresholds
from mproc_tui.core.limits import restore_descriptor_limit
from mproc_tui.core.stack_dumps import register_stack_dumps
from mproc_tui.core.target_reference import load_target
from mproc_tui.core.worker_io import WorkerIO, emit

CHILDREN_DRAIN = 5.0  # seconds for the last records of children that ended


class WorkerLaunch(NamedTuple):
    """Everything a worker needs, pickled to it by ``multiprocessing``. (Not a dataclass:
    ``dataclasses`` and the ``inspect`` it imports were 5 ms of the fork server's start.)"""

    worker_id: int
    target: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    log_queue: Any
    level: int = logging.DEBUG
    app_pid: int = 0
    inherited_fds: tuple[int, ...] = ()  # the app's own pipes, inherited under fork
    stack_dir: str = ""  # where it writes its stacks when asked (``core/stack_dumps.py``)
    sync_path: str = ""  # where its target's locks say who holds them (``core/sync_table.py``)
    control: Any = None  # the read end of its control line (``core/worker_control.py``)


def run_worker(launch: WorkerLaunch) -> None:
    """The ``multiprocessing.Process`` target of every worker."""
    for descriptor in launch.inherited_fds:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _restore_default_signals()
    give_back_python_thresholds()
    _forget_the_apps_fork_server()
    restore_descriptor_limit()  # the user's, not the app's raised one
    _lead_own_process_group()
    # Under forkserver the parent is the fork server, which has its own death signal
    # (see forkserver_guard), so the chain reaches the app however it ends.
    die_with_parent(launch.app_pid)
    _detach_stdin()
    if launch.stack_dir:
        register_stack_dumps(launch.stack_dir)
    handler = EntryQueueHandler(launch.log_queue, launch.worker_id)
    root = logging.getLogger()
    for existing in list(root.handlers):  # inherited from the app under ``fork``
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(launch.level)
    relay_children(launch.log_queue, launch.worker_id, launch.level)
    _watch_primitives(launch.sync_path)
    worker_io = WorkerIO(handler, launch.control, launch.log_queue)
    worker_io.start()
    try:
        # A module next to where the user started mproc-tui imports, as with
        # ``python -m``; the target check sees the same path.
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        target = load_target(launch.target)
        target(*launch.args, **launch.kwargs)
    except SystemExit as exit_request:
        # multiprocessing prints a non-integer exit code to stderr, but only after the
        # capture has ended: send it as a record or it would be lost.
        if exit_request.code is not None and not isinstance(exit_request.code, int):
            emit(handler, "mproc_tui", logging.ERROR, str(exit_request.code))
        raise
    except BaseException as error:
        emit(
            handler,
            "mproc_tui",
            logging.ERROR,
            f"uncaught {type(error).__name__} in {launch.target}",
            "".join(traceback.format_exception(error)).rstrip("\n"),
        )
        raise SystemExit(1) from None
    finally:
        wait_for_children(CHILDREN_DRAIN)  # their output keeps arriving until they end
        worker_io.stop()


def _watch_primitives(path: str) -> None:
    """The target's locks and the like get rows in the app's file (``P``, deadlocks), as
    a watched program's do; before the target's module is imported, which may make some.
    Its children inherit the file's name (and, forked, the patches)."""
    if path:
        os.environ[sync_agent.SYNC_VARIABLE] = path
        sync_agent.patch(multiprocessing.synchronize, carry=False)


def _forget_the_apps_fork_server() -> None:
    """Under fork a worker inherits the app's fork server, which is not its child: a
    forkserver Pool in the worker would fail (``waitpid``) instead of starting its own."""
    server: Any = forkserver._forkserver
    if server._forkserver_pid is not None:
        with contextlib.suppress(OSError, TypeError):
            os.close(server._forkserver_alive_fd)
        server._forkserver_pid = server._forkserver_address = None
        server._forkserver_alive_fd = None


def _lead_own_process_group() -> None:
    """Become a process group leader: whatever the worker starts joins the group.

    Stopping a worker then reaches its children too (``killpg``), and a terminal's
    Ctrl+C or hang-up goes to the app, which stops workers in order, not to them.
    """
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)


def _restore_default_signals() -> None:
    """Undo what a forked worker inherits from the app's event loop.

    Under ``fork`` the app's asyncio handlers come along: SIGTERM would run a no-op
    Python handler (the worker ignores it) and the wakeup fd would hand the signal to
    the *app's* loop, which then quits. Workers start with default dispositions.
    """
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)
    for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGTSTP, signal.SIGCONT, signal.SIGWINCH):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(number, signal.SIG_DFL)
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _detach_stdin() -> None:
    """Keep workers off the terminal: a worker reading fd 0 would steal the app's keys."""
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
    except OSError:
        pass
