"""One row per worker: the supervisor's lifecycle joined with psutil's sample.

Plain data and pure functions (sorting, which workers just failed), so the
table's behaviour is tested without a terminal.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mproc_tui.core.samples import ChildSample, ProcessSample, SampleRequest
from mproc_tui.core.sync_table import SyncState, wait_text
from mproc_tui.core.workers import Lifecycle, WorkerStatus

if TYPE_CHECKING:  # (imported after the first frame, or in run mode only)
    from mproc_tui.core.program import ProgramProcessStatus, ProgramRun
    from mproc_tui.core.sampler import Sampler
    from mproc_tui.core.supervisor import Supervisor

HISTORY_LENGTH = 60  # CPU samples kept per worker for its sparkline
ENDED = "ended"  # the state of a program's process that ended with an unknown exit code
OWN = "mproc-tui"  # what made a worker, beside a watched program's processes


@dataclass(frozen=True, slots=True)
class WorkerRow:
    """What the table shows for a worker; immutable so it can cross threads."""

    worker_id: int
    pid: int | None
    name: str
    daemon: bool
    state: str
    exit_code: int | None
    cpu_percent: float | None
    rss: int | None
    uptime: float | None
    threads: int | None = None
    start_method: str = ""
    children: tuple[ChildSample, ...] = ()
    cpu_history: tuple[float, ...] = ()
    stop_requested: bool = False
    kind: str = ""  # what made a watched program's process: Main, Process, Pool, Executor, Manager
    parent_id: int | None = None  # the row of the program process that started this one
    level: int | None = None  # a worker's root logger level (a program's: not known)
    restarts: int = 0  # how many times its restart policy ran it again
    restarting: bool = False  # it ended and waits to run again (its state says when)

    @property
    def running(self) -> bool:
        """Not ended (a program's process can end with an exit code nobody learns)."""
        return self.exit_code is None and self.state != ENDED

    @property
    def failed(self) -> bool:
        """Ended with a non-zero code or by a signal."""
        return self.exit_code is not None and self.exit_code != 0


def restarting_in(seconds: float) -> str:
    """A waiting worker's state: ``restarting in 4 s`` (whole seconds, rounded up)."""
    return f"restarting in {max(1, math.ceil(seconds))} s"


class CpuHistory:
    """The last ``HISTORY_LENGTH`` CPU readings of each worker, oldest first.

    Kept after a worker ends, so its row still shows what it did, and dropped
    when the worker is cleared from the table.
    """

    def __init__(self, length: int = HISTORY_LENGTH) -> None:
        self._length = length
        self._readings: dict[int, deque[float]] = {}

    def record(self, samples: Mapping[int, ProcessSample]) -> None:
        for worker_id, sample in samples.items():
            if sample.cpu_percent is not None:
                readings = self._readings.setdefault(worker_id, deque(maxlen=self._length))
                readings.append(sample.cpu_percent)

    def keep_only(self, worker_ids: Iterable[int]) -> None:
        wanted = set(worker_ids)
        for worker_id in [key for key in self._readings if key not in wanted]:
            del self._readings[worker_id]

    def of(self, worker_id: int) -> tuple[float, ...]:
        return tuple(self._readings.get(worker_id, ()))


def _row(
    status: WorkerStatus | ProgramProcessStatus,
    row_id: int,
    state: str,
    sample: ProcessSample | None,
    now: float,
    history: CpuHistory | None,
    kind: str = "",
    parent_id: int | None = None,
    children: tuple[ChildSample, ...] | None = None,
) -> WorkerRow:
    end = status.ended_at if status.ended_at is not None else now
    return WorkerRow(
        worker_id=row_id,
        pid=status.pid,
        name=status.name,
        daemon=status.daemon,
        state=state,
        exit_code=status.exit_code,
        cpu_percent=sample.cpu_percent if sample else None,
        rss=sample.rss if sample else None,
        uptime=end - status.started_at,
        threads=sample.threads if sample else None,
        start_method=status.start_method,
        children=(sample.children if sample else ()) if children is None else children,
        cpu_history=history.of(row_id) if history else (),
        stop_requested=status.stop_requested,
        kind=kind,
        parent_id=parent_id,
        level=status.level if isinstance(status, WorkerStatus) else None,
        restarts=status.restarts if isinstance(status, WorkerStatus) else 0,
        restarting=isinstance(status, WorkerStatus) and status.restart_at is not None,
    )


def build_rows(
    statuses: Iterable[WorkerStatus],
    samples: Mapping[int, ProcessSample],
    now: float,
    history: CpuHistory | None = None,
    kind: str = "",
) -> list[WorkerRow]:
    """Live workers show psutil's state; ended ones show their lifecycle. ``kind`` says
    who made them, where a watched program's processes share the table."""
    rows: list[WorkerRow] = []
    for status in statuses:
        sample = samples.get(status.worker_id) if status.alive else None
        if status.lifecycle is Lifecycle.RUNNING:
            state = sample.state if sample is not None else "starting"
        elif status.restart_at is not None:
            state = restarting_in(status.restart_at - now)
        else:
            state = status.lifecycle.value
        named = _named(sample.children, status.process_names) if sample else ()
        rows.append(_row(status, status.worker_id, state, sample, now, history, kind, None, named))
    return rows


def _named(children: tuple[ChildSample, ...], names: Mapping[int, str]) -> tuple[ChildSample, ...]:
    """Child processes under their multiprocessing names where the worker told them."""
    if not names:
        return children
    return tuple(
        replace(child, name=names[child.pid]) if child.pid in names else child for child in children
    )


def program_rows(
    statuses: Iterable[ProgramProcessStatus],
    samples: Mapping[int, ProcessSample],
    now: float,
    history: CpuHistory | None = None,
) -> list[WorkerRow]:
    """A watched program's processes: psutil's state while they live, then how they ended.

    Each names the row of the process that started it; a row's child processes (the
    ``t`` tree) are those that are not rows themselves (``subprocess``, say).
    """
    statuses = list(statuses)
    row_of_pid = {status.pid: status.row_id for status in statuses}
    rows: list[WorkerRow] = []
    for status in statuses:
        sample = samples.get(status.row_id) if status.alive else None
        if status.alive:
            state = sample.state if sample is not None else "starting"
        elif status.exit_code is None:
            state = ENDED  # killed, and its parent never joined it: nobody learns the code
        else:
            state = "exited" if status.exit_code >= 0 else "killed"
        parent = row_of_pid.get(status.parent_pid) if status.parent_pid is not None else None
        children = _not_rows(sample.children, row_of_pid.keys() - {status.pid}) if sample else ()
        rows.append(
            _row(status, status.row_id, state, sample, now, history, status.kind, parent, children)
        )
    return rows


def _not_rows(children: tuple[ChildSample, ...], rows: set[int]) -> tuple[ChildSample, ...]:
    """Child processes that are not other rows (by pid), nor under one."""
    hidden = set(rows)
    shown = []
    for child in sorted(children, key=lambda child: child.depth):
        if child.pid in hidden or child.parent_pid in hidden:
            hidden.add(child.pid)
        else:
            shown.append(child)
    return tuple(child for child in children if child in shown)


def started_by(rows: Sequence[WorkerRow], worker_id: int) -> list[tuple[int, str]]:
    """(pid, name) of every live process a row's process started: its child processes
    and, for a watched program's process, the rows under it in the tree."""
    under: dict[int | None, list[WorkerRow]] = {}
    for row in rows:
        under.setdefault(row.parent_id, []).append(row)
    found: list[tuple[int, str]] = []
    own = next((row for row in rows if row.worker_id == worker_id), None)
    if own is not None:
        found += [(child.pid, child.name) for child in own.children]
    stack, seen = list(under.get(worker_id, [])), {worker_id}
    while stack:
        row = stack.pop()
        if row.worker_id not in seen:
            seen.add(row.worker_id)
            if row.running and row.pid is not None:
                found.append((row.pid, row.name))
            stack.extend(under.get(row.worker_id, []))
    return found


def tree_order(rows: Sequence[WorkerRow]) -> list[tuple[WorkerRow, int]]:
    """Rows with their depth, each under the row that started it (in the order given
    among siblings), as htop's tree shows processes; rows without a parent at depth 0."""
    present = {row.worker_id for row in rows}
    under: dict[int | None, list[WorkerRow]] = {}
    for row in rows:
        parent = row.parent_id if row.parent_id in present else None
        under.setdefault(parent, []).append(row)
    ordered: list[tuple[WorkerRow, int]] = []
    stack = [(row, 0) for row in reversed(under.get(None, []))]
    while stack:
        row, depth = stack.pop()
        ordered.append((row, depth))
        stack.extend((child, depth + 1) for child in reversed(under.get(row.worker_id, [])))
    if len(ordered) < len(rows):  # parents in a loop (a reused pid): shown, unnested
        seen = {row.worker_id for row, _ in ordered}
        ordered.extend((row, 0) for row in rows if row.worker_id not in seen)
    return ordered


def take_snapshot(
    supervisor: Supervisor,
    sampler: Sampler,
    history: CpuHistory | None = None,
    program: ProgramRun | None = None,
) -> list[WorkerRow]:
    """Poll the supervisor (and the watched program), sample the live processes, and
    join the two; blocking."""
    statuses = supervisor.poll()
    processes = program.poll() if program is not None else []
    requests = {
        status.worker_id: SampleRequest(status.pid, status.started_at, status.create_time)
        for status in statuses
        if status.alive and status.pid is not None
    }
    requests.update(
        (process.row_id, SampleRequest(process.pid, process.started_at, process.create_time))
        for process in processes
        if process.alive
    )
    samples = sampler.sample(requests)
    if history is not None:
        history.record(samples)
        history.keep_only([*(s.worker_id for s in statuses), *(p.row_id for p in processes)])
    now = time.time()
    watched = program_rows(processes, samples, now, history)
    own = build_rows(statuses, samples, now, history, OWN if program is not None else "")
    shared = program.sync if program is not None else supervisor.helpers.sync
    if shared is not None:  # who waits on what: the program's, else the workers' targets'
        state = shared.read()
        watched, own = with_waits(watched, state, now), with_waits(own, state, now)
    return [*watched, *own]


def with_waits(rows: list[WorkerRow], state: SyncState, now: float) -> list[WorkerRow]:
    """A live process that waits on a watched primitive says so in its state:
    ``waiting: Lock#1 (held by Process-3, 12 s)``."""
    names = {row.pid: row.name for row in rows if row.pid is not None}
    changed = []
    for row in rows:
        text = wait_text(state, row.pid, names, now) if row.running and row.pid else ""
        changed.append(replace(row, state=text) if text else row)
    return changed


# -- sorting and alerts -----------------------------------------------------------------


def sort_rows(
    rows: Sequence[WorkerRow], value_of: Callable[[WorkerRow], Any], descending: bool
) -> list[WorkerRow]:
    """Rows ordered by ``value_of``; ties keep spawn order (worker id).

    Rows whose value is None (no reading yet, not ended) go last in both directions,
    as htop keeps empty cells at the bottom.
    """
    present = [row for row in rows if value_of(row) is not None]
    missing = [row for row in rows if value_of(row) is None]
    present.sort(key=lambda row: row.worker_id)
    present.sort(key=value_of, reverse=descending)  # stable: ties stay in spawn order
    missing.sort(key=lambda row: row.worker_id)
    return present + missing


def newly_failed(previous: Mapping[int, WorkerRow], rows: Iterable[WorkerRow]) -> list[WorkerRow]:
    """Workers that failed since the previous snapshot, unless mproc-tui stopped them; a
    worker restarted meanwhile failed again if its restarts went up."""
    failures = []
    for row in rows:
        before = previous.get(row.worker_id)
        again = before is None or before.exit_code is None or before.restarts != row.restarts
        if row.failed and not row.stop_requested and again:
            failures.append(row)
    return failures
