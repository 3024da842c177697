"""``mproc-tui run``: an existing program, run unchanged, and every process it starts.

The program runs as ``python SCRIPT ARGS`` would (same ``sys.argv``, working
directory and exit code, stdin from /dev/null), with mproc-tui's agent loaded in each
of its interpreters (``agent/``): a private ``sitecustomize`` first on
``PYTHONPATH``, in a 0700 directory that also holds the socket the agents send to.
While it runs, mproc-tui adopts the program's orphans (``orphans.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psutil

from mproc_tui.agent import AGENT_DIRECTORY, AGENT_FILES
from mproc_tui.core.agent_hello import HELLO_VARIABLE, AgentHello
from mproc_tui.core.agent_link import AgentLink, ProcessEvent
from mproc_tui.core.death_signal import APP_PID_VARIABLE
from mproc_tui.core.limits import restore_descriptor_limit
from mproc_tui.core.listener import BatchCallback
from mproc_tui.core.orphans import ProgramOrphans, alive, wait_ended
from mproc_tui.core.process_control import create_time_of, signal_descendant, signal_group
from mproc_tui.core.records import LogEntry
from mproc_tui.core.stack_dumps import STACKS_VARIABLE
from mproc_tui.core.stacks import StackDirectory
from mproc_tui.core.sync_table import SYNC_VARIABLE, SyncFile
from mproc_tui.core.workers import FIRST_ROW, STOPPING_SIGNALS, SupervisorError

MAIN_NAME = "MainProcess"


@dataclass(frozen=True)
class ProgramCommand:
    """What to run: a script or a module, its arguments, and which interpreter."""

    python: str
    script: str | None = None
    module: str | None = None
    args: tuple[str, ...] = ()

    def argv(self) -> list[str]:
        target = ["-m", self.module] if self.module else [self.script or ""]
        return [self.python, *target, *self.args]

    def describe(self) -> str:
        return self.module if self.module else os.path.basename(self.script or "")


@dataclass(frozen=True, slots=True)
class ProgramProcessStatus:
    """One process of the program at one moment, as a row shows it."""

    row_id: int
    pid: int
    parent_pid: int | None
    name: str
    daemon: bool
    kind: str  # Main, Process, Pool, Executor, Manager
    start_method: str
    started_at: float
    ended_at: float | None
    exit_code: int | None
    create_time: float | None
    stop_requested: bool = False  # mproc-tui signalled it to end: not a failure

    @property
    def alive(self) -> bool:
        return self.ended_at is None


class _Process:
    """The mutable record of one program process; never leaves this module."""

    def __init__(self, row_id: int, pid: int, name: str) -> None:
        self.row_id, self.pid, self.name = row_id, pid, name
        self.parent_pid: int | None = None
        self.daemon = False
        self.kind = "Process"
        self.start_method = ""
        self.started_at = time.time()
        self.ended_at: float | None = None
        self.exit_code: int | None = None
        self.create_time = create_time_of(pid)
        self.stop_requested = False

    def status(self) -> ProgramProcessStatus:
        return ProgramProcessStatus(  # (its fields, in this order)
            *(self.row_id, self.pid, self.parent_pid, self.name, self.daemon, self.kind),
            *(self.start_method, self.started_at, self.ended_at, self.exit_code),
            *(self.create_time, self.stop_requested),
        )


class ProgramRun:
    """Starts the program, learns its processes from the agents, and ends them all.

    ``on_change`` (optional) is called, from a background thread, whenever a process
    starts or ends. Records (the agents' and the program's console output, captured
    line by line as ``stdout``/``stderr``) go to ``on_logs`` in batches.
    """

    def __init__(
        self,
        command: ProgramCommand,
        on_logs: BatchCallback,
        level: int,
        start_method: str | None = None,
        on_change: Callable[[], None] | None = None,
        capture_output: bool = True,
        first_row: int = FIRST_ROW,
    ) -> None:
        self.command = command
        self._on_logs = on_logs
        self._level = level
        self._start_method = start_method
        self._on_change = on_change
        self._capture = capture_output
        self._lock = threading.Lock()
        self._processes: dict[int, _Process] = {}  # by pid
        self.next_row = first_row  # the next process's row (a rerun's follow the last run's)
        self._directory = tempfile.mkdtemp(prefix="mproc-tui-run-")  # 0700
        self.stacks = StackDirectory(within=self._directory)  # p: its processes' stacks
        self.sync = SyncFile(self._directory)  # its locks and the like: who holds, who waits
        self._link = AgentLink(
            os.path.join(self._directory, "agent.sock"), on_logs, self._event, self._row_of
        )
        self._popen: subprocess.Popen[bytes] | None = None
        self._readers: list[threading.Thread] = []
        self._orphans = ProgramOrphans(self._link.path)
        self._hello = AgentHello(self._link)
        self.returncode: int | None = None
        self.ended = threading.Event()

    # -- starting -------------------------------------------------------------------------

    def start(self) -> int:
        """Start the program; returns its pid."""
        for name in AGENT_FILES:
            shutil.copy(os.path.join(AGENT_DIRECTORY, name), self._directory)
        self._link.start()
        environment = dict(os.environ)
        environment.pop(APP_PID_VARIABLE, None)  # the program's processes are not our workers
        path = environment.get("PYTHONPATH")
        environment["PYTHONPATH"] = self._directory + (os.pathsep + path if path else "")
        environment["MPROC_TUI_AGENT_SOCKET"] = self._link.path
        environment["MPROC_TUI_AGENT_LEVEL"] = str(self._level)
        environment[HELLO_VARIABLE] = "1"  # the first interpreter's agent says hello
        environment[STACKS_VARIABLE] = self.stacks.path
        environment[SYNC_VARIABLE] = self.sync.path
        if self._start_method:
            environment["MPROC_TUI_AGENT_START_METHOD"] = self._start_method
        output = subprocess.PIPE if self._capture else None
        self._orphans.adopt()
        self._hello.started()
        self._popen = subprocess.Popen(
            self.command.argv(),
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            process_group=0 if self._capture else None,
        )
        self._orphans.watch(self._popen, own_group=self._capture)
        restore_descriptor_limit(self._popen.pid)  # the user's, as it starts up
        self._row_of(self._popen.pid, MAIN_NAME, kind="Main")
        if self._capture:
            for stream, name in ((self._popen.stdout, "stdout"), (self._popen.stderr, "stderr")):
                reader = threading.Thread(
                    target=self._read_output, args=(stream, name), daemon=True
                )
                reader.start()
                self._readers.append(reader)
        threading.Thread(target=self._wait, name="mproc-tui-program", daemon=True).start()
        return self._popen.pid

    @property
    def pid(self) -> int | None:
        return None if self._popen is None else self._popen.pid

    def _wait(self) -> None:
        assert self._popen is not None
        self._orphans.main_ends()
        code = self._popen.wait()
        self._hello.main_ended()
        with self._lock:
            main = self._processes.get(self._popen.pid)
            if main is not None:
                main.exit_code, main.ended_at = code, time.time()
        self.returncode = code
        for reader in self._readers:
            reader.join(timeout=5)
        self.ended.set()
        self._changed()

    def _read_output(self, stream: object, name: str) -> None:
        """The program's console output, a record per line, as the workers' is."""
        assert self._popen is not None
        pid = self._popen.pid
        row = self._row_of(pid, MAIN_NAME)
        for raw in iter(stream.readline, b""):  # type: ignore[attr-defined]
            line = raw.decode("utf-8", "backslashreplace").rstrip("\n")
            self._on_logs([_output_entry(row, pid, name, line)])

    # -- what the agents say ----------------------------------------------------------------

    def _row_of(self, pid: int, name: str, kind: str | None = None) -> int:
        with self._lock:
            process = self._processes.get(pid)
            if process is None:
                process = self._processes[pid] = _Process(self.next_row, pid, name)
                self.next_row += 1
                if kind is not None:
                    process.kind = kind
            return process.row_id

    def _event(self, event: ProcessEvent) -> None:
        if event["t"] == "hello":
            self._hello.heard()
            return
        pid = event["pid"]
        name = event.get("name")
        self._row_of(pid, name if isinstance(name, str) else "?")
        with self._lock:
            process = self._processes[pid]
            if isinstance(name, str):
                process.name = name
            if isinstance(event.get("daemon"), bool):
                process.daemon = event["daemon"]
            parent = event.get("ppid")
            if event["t"] == "run" and process.parent_pid is None and isinstance(parent, int):
                process.parent_pid = parent  # (the parent's own "start" may come later)
            if event["t"] == "start":
                process.parent_pid = parent if isinstance(parent, int) else None
                kind, method = event.get("kind"), event.get("method")
                process.kind = kind if isinstance(kind, str) else process.kind
                process.start_method = method if isinstance(method, str) else ""
            elif event["t"] == "exit" and process.exit_code is None:
                # (psutil may have seen it gone first: the code still comes, later)
                code = event.get("code")
                process.exit_code = code if isinstance(code, int) else None
                process.ended_at = process.ended_at or time.time()
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    # -- reading ----------------------------------------------------------------------------

    def poll(self) -> list[ProgramProcessStatus]:
        """Every process of the program so far, in the order they appeared.

        A process that ended without a word (killed, and its parent never joined it)
        is marked ended when psutil no longer finds it; its exit code is unknown. The
        program's orphans that ended are reaped.
        """
        self._orphans.tend()
        with self._lock:
            processes = list(self._processes.values())
        for process in processes:
            if process.ended_at is None and not alive(process.pid, process.create_time):
                with self._lock:
                    if process.ended_at is None:
                        process.ended_at = time.time()
        with self._lock:
            return [process.status() for process in processes]

    @property
    def agent_missing(self) -> str | None:
        """Why names and records are missing, once it is clear the agent did not load
        (``python -I``, say): one line for the user; None while unknown, or if it did."""
        return self._hello.missing

    @property
    def records_received(self) -> int:
        return self._link.received

    @property
    def records_dropped(self) -> int:
        return self._link.dropped

    # -- steering and ending ----------------------------------------------------------------

    def process(self, row_id: int) -> ProgramProcessStatus | None:
        return next((status for status in self.poll() if status.row_id == row_id), None)

    def send_signal(self, row_id: int, signal_number: int, with_children: bool = False) -> int:
        """Signal one of the program's processes (and, if asked, what it started); how many."""
        status = self.process(row_id)
        if status is None or not status.alive:
            name = status.name if status else f"process {row_id}"
            raise SupervisorError(f"{name} has already ended")
        try:
            target = psutil.Process(status.pid)
            if target.create_time() != status.create_time:
                raise psutil.NoSuchProcess(status.pid)
            children = target.children(recursive=True) if with_children else []
            target.send_signal(signal_number)
        except psutil.NoSuchProcess:
            raise SupervisorError(f"{status.name} has already ended") from None
        except (psutil.AccessDenied, OSError) as error:
            raise SupervisorError(f"could not signal {status.name}: {error}") from None
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.send_signal(signal_number)
        if signal_number in STOPPING_SIGNALS:
            with self._lock:
                self._processes[status.pid].stop_requested = True
        self._changed()
        return 1 + len(children)

    def signal_descendant(self, row_id: int, pid: int, signal_number: int) -> None:
        """Signal one process that a program process started (a tree row), and only it."""
        status = self.process(row_id)
        if status is None or not status.alive:
            raise SupervisorError(f"process {pid} has already exited")
        try:
            found = signal_descendant(status.pid, status.create_time, pid, signal_number)
        except (psutil.AccessDenied, OSError) as error:
            raise SupervisorError(f"could not signal process {pid}: {error}") from None
        if not found:
            raise SupervisorError(f"process {pid} has already exited")
        self._changed()

    def stop(self, grace: float) -> None:
        """SIGTERM the program and every process it started; SIGKILL after ``grace``."""
        with self._lock:
            for record in self._processes.values():
                if record.ended_at is None:
                    record.stop_requested = True
        running = self._all_processes()
        for process in running:
            with contextlib.suppress(psutil.Error):
                process.terminate()
        alive = wait_ended(running, grace, self._orphans.tend)
        for process in alive:
            with contextlib.suppress(psutil.Error):
                process.kill()
        wait_ended(alive, 5, self._orphans.tend)
        if self._popen is not None:
            signal_group(self._popen.pid, signal.SIGKILL, worker_alive=False)

    def shutdown(self, grace: float) -> None:
        """Stop what still runs, deliver the last records, and remove the agent's files."""
        self.stop(grace)
        if self._popen is not None:  # (a run never started has nothing to deliver)
            self.ended.wait(timeout=5)
        self._link.stop()
        self._orphans.release()
        self.sync.close()
        shutil.rmtree(self._directory, ignore_errors=True)

    def _all_processes(self) -> list[psutil.Process]:
        """The program's processes that still run: its tree, and any it orphaned (now
        mproc-tui's children, or named by the agents); those that may be reaped, known."""
        found: dict[int, psutil.Process] = {}
        if self._popen is not None and self.returncode is None:
            with contextlib.suppress(psutil.Error):
                main = psutil.Process(self._popen.pid)
                found[main.pid] = main
                for child in main.children(recursive=True):
                    found[child.pid] = child
        self._orphans.remember(found.values())  # they may end as our children
        found.update((process.pid, process) for process in self._orphans.find())
        for status in self.poll():
            if status.alive and status.pid not in found:
                with contextlib.suppress(psutil.Error):
                    process = psutil.Process(status.pid)
                    if process.create_time() == status.create_time:
                        found[process.pid] = process
        return list(found.values())


def _output_entry(row: int, pid: int, stream: str, line: str) -> LogEntry:
    return LogEntry(
        worker_id=row,
        created=time.time(),
        level=30 if stream == "stderr" else 20,
        level_name="WARNING" if stream == "stderr" else "INFO",
        logger_name=stream,
        process_name=MAIN_NAME,
        pid=pid,
        thread_name="",
        pathname="",
        lineno=0,
        function="",
        message=line,
        traceback=None,
    )
