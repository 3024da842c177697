"""psutil sampling of worker processes into immutable snapshots.

``psutil.Process`` objects are kept between sweeps, because ``cpu_percent(None)``
measures against the previous call on the same object. A process that vanished,
is a zombie, or denies access is a normal event, not an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import psutil

from mproc_tui.core.samples import ChildSample, ProcessSample, SampleRequest

# A process created this long before the worker was started is someone else's.
_CREATE_TIME_SLACK = 1.0
_CHILD_SCAN_EVERY = 3  # sweeps between looks for children while no worker has any


def _read_parent_map() -> dict[int, int]:
    """``{pid: parent pid}`` for every process, read once per sweep.

    ``Process.children()`` scans every process on each call: once per worker, 500
    workers would mean 500 scans a sweep. psutil's own one-shot map (what
    ``children()`` uses inside) costs about 20 us a process; ``process_iter`` is
    the portable fallback, about 70 us a process.
    """
    one_shot: Callable[[], dict[int, int]] | None = getattr(psutil, "_ppid_map", None)
    if one_shot is not None:
        try:
            return dict(one_shot())
        except (psutil.Error, OSError):
            pass
    parents: dict[int, int] = {}
    for process in psutil.process_iter(["ppid"]):
        ppid = process.info.get("ppid")
        if isinstance(ppid, int):
            parents[process.pid] = ppid
    return parents


class Sampler:
    """Samples processes by worker id, never reporting a reused PID's figures."""

    def __init__(self) -> None:
        self._processes: dict[int, psutil.Process] = {}  # by worker id
        self._children: dict[int, psutil.Process] = {}  # by pid
        self._children_of: dict[int, list[int]] = {}  # parent pid -> child pids
        self._sweeps = 0

    def sample(self, requests: Mapping[int, SampleRequest]) -> dict[int, ProcessSample]:
        for worker_id in list(self._processes):
            if worker_id not in requests:
                del self._processes[worker_id]
        samples: dict[int, ProcessSample] = {}
        if requests and (self._children or self._sweeps % _CHILD_SCAN_EVERY == 0):
            # Reading every process's parent is a third of a sweep's cost: while no
            # worker has children, new ones are looked for every few sweeps only.
            self._children_of = {}
            for pid, parent in _read_parent_map().items():
                self._children_of.setdefault(parent, []).append(pid)
        self._sweeps += 1
        children_of = self._children_of
        seen_children: set[int] = set()
        for worker_id, request in requests.items():
            sample = self._sample_one(worker_id, request)
            if sample is None:
                continue
            if request.pid in children_of and sample.state != "zombie":
                children = tuple(self._sample_children(request, children_of, seen_children))
                sample = ProcessSample(
                    sample.pid,
                    sample.state,
                    sample.cpu_percent,
                    sample.rss,
                    sample.threads,
                    children,
                )
            samples[worker_id] = sample
        for pid in list(self._children):
            if pid not in seen_children:
                del self._children[pid]
        return samples

    def _sample_children(
        self, request: SampleRequest, children_of: Mapping[int, list[int]], seen: set[int]
    ) -> Iterator[ChildSample]:
        """Every descendant of the worker, depth first, each parent before its children."""
        stack = [(pid, request.pid, 1) for pid in sorted(children_of[request.pid], reverse=True)]
        while stack:
            pid, parent, depth = stack.pop()
            child = self._sample_child(pid, parent, depth, request.started_at)
            if child is None:
                continue
            seen.add(pid)
            yield child
            for grandchild in sorted(children_of.get(pid, ()), reverse=True):
                stack.append((grandchild, pid, depth + 1))

    def _sample_child(
        self, pid: int, parent: int, depth: int, worker_started_at: float
    ) -> ChildSample | None:
        try:
            # Older than the worker: not one of its own (the number was reused).
            found = _cached_process(
                self._children,
                pid,
                pid,
                lambda created: created >= worker_started_at - _CREATE_TIME_SLACK,
            )
            if found is None:
                return None
            process, first = found
            with process.oneshot():
                return ChildSample(
                    pid=pid,
                    parent_pid=parent,
                    depth=depth,
                    name=process.name(),
                    state=str(process.status()),
                    cpu_percent=None if first else process.cpu_percent(None),
                    rss=process.memory_info().rss,
                )
        except psutil.ZombieProcess:
            return ChildSample(pid, parent, depth, "", "zombie", None, None)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            self._children.pop(pid, None)
            return None

    def _sample_one(self, worker_id: int, request: SampleRequest) -> ProcessSample | None:
        def ours(created: float) -> bool:
            if request.create_time is not None:
                return created == request.create_time
            return created >= request.started_at - _CREATE_TIME_SLACK

        try:
            found = _cached_process(self._processes, worker_id, request.pid, ours)
            if found is None:
                return None
            process, first = found
            with process.oneshot():
                state = process.status()
                cpu = None if first else process.cpu_percent(None)
                rss = process.memory_info().rss
                threads = process.num_threads()
            return ProcessSample(
                pid=request.pid, state=str(state), cpu_percent=cpu, rss=rss, threads=threads
            )
        except psutil.ZombieProcess:
            return ProcessSample(
                pid=request.pid, state="zombie", cpu_percent=None, rss=None, threads=None
            )
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            self._processes.pop(worker_id, None)
            return None


def _cached_process(
    cache: dict[int, psutil.Process],
    key: int,
    pid: int,
    ours: Callable[[float], bool],
) -> tuple[psutil.Process, bool] | None:
    """The kept ``Process`` for ``key`` (and whether it is new), or None if not ours.

    Kept between sweeps so ``cpu_percent(None)`` measures since the last sweep; a
    new one only sets that baseline. Whose PID it is, is decided once, by create
    time: an entry is dropped as soon as its process is no longer asked for (a
    worker that ended, a child no longer under its worker), before its number can
    be reused.
    """
    cached = cache.get(key)
    if cached is not None and cached.pid == pid:
        return cached, False
    process = psutil.Process(pid)
    create_time = process.create_time()
    if not ours(create_time):
        return None
    process.cpu_percent(None)
    cache[key] = process
    return process, True
