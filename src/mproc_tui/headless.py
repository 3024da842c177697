"""``--no-tui``: the same workers, records printed in the lesson's format, no screen;
and ``run --no-tui``: a program as it is, its records to ``--log-file``.

Like the lesson's main, the command joins its non-daemon workers (with ``--demo``
every worker, as the lesson joins both), then ends the rest by the exit policy
(``core/exit_policy.py``). Ctrl+C, SIGTERM or SIGHUP cut the join short.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from mproc_tui.core.exit_policy import ExitPolicy
from mproc_tui.core.log_file import fan_out
from mproc_tui.core.program import ProgramCommand, ProgramRun
from mproc_tui.core.records import LogEntry
from mproc_tui.core.supervisor import Supervisor
from mproc_tui.core.text import format_log_lines, safe_text, signal_name
from mproc_tui.core.worker_plan import WorkerPlan
from mproc_tui.core.workers import SupervisorError, WorkerStatus

LogSink = Callable[[list[LogEntry]], None]


@contextmanager
def interruptions() -> Iterator[threading.Event]:
    """SIGINT, SIGTERM and SIGHUP set the event while the block runs, instead of raising."""
    interrupted = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        interrupted.set()

    previous = {
        number: signal.signal(number, on_signal)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    try:
        yield interrupted
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def print_records(batch: list[LogEntry]) -> None:
    lines = [line for entry in batch for line in format_log_lines(entry)]
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def run_headless(
    plans: Sequence[WorkerPlan],
    start_method: str,
    level: int,
    grace: float,
    extra_sink: LogSink | None = None,
    join_daemons: bool = False,
) -> int:
    """Run the workers to their end; 0 if every non-daemon worker exited 0.

    ``join_daemons`` waits for daemon workers too, as the lesson's main does when it
    joins both of its processes (``--demo``).
    """
    sinks = [print_records] if extra_sink is None else [extra_sink, print_records]
    supervisor = Supervisor(
        fan_out(*sinks),
        start_method=start_method,
        level=level,
        on_restart=lambda note: _say(note.describe(_ended_by(note.exit_code))),
        on_memory=lambda note: _say(note.describe()),
        grace=grace,
    )
    with interruptions() as interrupted:
        return _run_workers(supervisor, plans, grace, join_daemons, interrupted)


def _say(line: str) -> None:
    """A line of mproc-tui's own, beside the records: on stderr, as its errors are."""
    sys.stderr.write(f"mproc-tui: {safe_text(line)}\n")  # one write: threads say lines too
    sys.stderr.flush()


def _ended(status: WorkerStatus) -> str:
    return _ended_by(status.exit_code or 0)


def _ended_by(code: int) -> str:
    if code == 0:
        return "exited with code 0"
    if code < 0:
        return f"was killed by {signal_name(-code)} (exit code {code})"
    return f"failed with exit code {code}"


def _run_workers(
    supervisor: Supervisor,
    plans: Sequence[WorkerPlan],
    grace: float,
    join_daemons: bool,
    interrupted: threading.Event,
) -> int:
    worker_ids: list[int] = []
    refused = False
    try:
        specs = [plan.spec for plan in plans for _ in range(plan.count)]
        worker_ids, refusal = supervisor.spawn_all(specs, until=interrupted.is_set)
        if refusal is not None:
            if not worker_ids:
                raise refusal
            # The ones that started run on, as in the app; the rest are said so.
            _say(f"started {len(worker_ids)} of {len(specs)} workers: {refusal}")
            refused = True
        statuses = {status.worker_id: status for status in supervisor.poll()}
        waited = [
            worker_id for worker_id in worker_ids if join_daemons or not statuses[worker_id].daemon
        ]
        if not waited and not interrupted.is_set():
            _say("only daemon workers: like Python at exit, they are terminated now")
        supervisor.join_many(waited, until=interrupted.is_set, as_join=False)
        ExitPolicy(lambda: supervisor, grace).run(wait=not interrupted.is_set())
        failed = [
            status
            for status in supervisor.poll()
            if not status.daemon and status.exit_code not in (0, None)
        ]
        if interrupted.is_set():
            return 130
        for status in failed:  # the exit status alone does not say which, nor how
            _say(f"{status.name} (pid {status.pid}) {_ended(status)}")
        return 1 if failed or refused else 0
    except SupervisorError as error:
        _say(f"error: {error}")
        return 2 if not worker_ids else 1  # nothing ran: as a bad argument would
    finally:
        supervisor.shutdown(grace)


def run_program_headless(
    command: ProgramCommand,
    level: int,
    grace: float,
    start_method: str | None,
    sink: LogSink | None = None,
) -> int:
    """``mproc-tui run --no-tui``: the program's own output as it is, its records to ``sink``.

    Returns the program's exit code. A signal to mproc-tui (the program got Ctrl+C
    too, in the same process group) gives it ``grace`` seconds to end, then stops it.
    """
    run = ProgramRun(
        command, sink or (lambda batch: None), level, start_method, capture_output=False
    )
    with interruptions() as interrupted:
        return _watch_program(run, grace, interrupted)


def _yield_to_program() -> None:
    """The watcher yields to the watched: records wait (in the kernel and in the agents)
    while the program runs flat out, and are written when it lets up. Every thread of
    ours (Linux's nice is a thread's) once the program has started at its own priority."""
    for thread in os.listdir(f"/proc/{os.getpid()}/task"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, int(thread), 19)


def _watch_program(run: ProgramRun, grace: float, interrupted: threading.Event) -> int:
    try:
        run.start()
        _yield_to_program()
        while not run.ended.wait(0.1):
            if interrupted.is_set():
                if not run.ended.wait(grace):
                    run.stop(grace)
                break
        run.ended.wait(timeout=grace + 10)
        code = run.returncode
        if interrupted.is_set():
            return 130
        return 1 if code is None else (code if code >= 0 else 128 - code)
    finally:
        run.shutdown(grace)
