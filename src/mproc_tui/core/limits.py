"""Resource limits: the app takes the hard descriptor limit, its workers keep the user's,
and a worker that would not fit is refused before it can harm the running ones.

The app holds about three descriptors a worker: at a desktop's usual soft limit of
1,024 a few hundred workers exhausted it, and every worker then failed at once. Long
running supervisors raise their own soft ``RLIMIT_NOFILE`` to the hard limit and give
what they start the limit the user started them with (as Go's runtime does): code in
a worker that uses ``select()`` breaks on descriptors above 1,024.

Running out half-way through a start is what harms: multiprocessing's fork server
(3.11) exits when a client leaves before sending its descriptors or when ``fork``
fails, and takes every forkserver worker with it. So a start is refused while fewer
descriptors or processes are left than a start and the app's own threads need.
"""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import sys
import time
from collections import deque

USERS_LIMIT_VARIABLE = "MPROC_TUI_USERS_NOFILE"  # the user's soft limit, for what the app starts


_raised = False  # this process has raised its own limit (and noted the user's)


def raise_descriptor_limit() -> int:
    """Raise this process's soft limit to the hard one; returns the user's soft limit
    (also left in the environment, which workers and a watched program inherit). The
    first call notes it: a later one would note the raised limit as the user's."""
    global _raised
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if not _raised:
        _raised = True
        os.environ[USERS_LIMIT_VARIABLE] = str(soft)
    users = int(os.environ[USERS_LIMIT_VARIABLE])
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return users


def users_descriptor_limit() -> int | None:
    """The soft limit the user started mproc-tui with, if mproc-tui raised its own."""
    value = os.environ.get(USERS_LIMIT_VARIABLE, "")
    return int(value) if value.isdigit() else None


def restore_descriptor_limit(pid: int = 0) -> None:
    """Give a worker (this process, or ``pid``) the user's soft limit back; a worker
    forgets the note, so an mproc-tui started inside it notes its own."""
    users = users_descriptor_limit()
    if users is None:
        return
    if pid == 0:
        os.environ.pop(USERS_LIMIT_VARIABLE, None)
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (min(users, hard), hard))


SPAWN_DESCRIPTORS = 16  # the most one start opens at once, with room to spare
SPAWN_TASKS = 16  # processes and threads kept free for a start and the app's own threads
WORKER_DESCRIPTORS = 5  # the most the app holds for one (spawn: channel, control, pidfd, 2 pipes)
RECOUNT_MARGIN = 512  # descriptors are counted at every start this close to the limit
RECOUNT_EVERY = 50  # and after this many starts in any case
WORKER_TASKS = 5  # a worker's process and threads, when it has started them all
TASKS_MARGIN = 256  # a control group's tasks are counted at every start this close to its limit
STARTING_SECONDS = 3.0  # a worker has started its threads by then
_COUNT_TASKS_BELOW = 8192  # a process limit this low is worth counting against


class StartHeadroom:
    """Refuses a start that could fail half-way, counting what recent starts will take.

    A worker's threads (two output pumps, a queue feeder) come after its process: the
    tasks of workers started in the last ``STARTING_SECONDS`` are counted as if there.
    """

    def __init__(self) -> None:
        self._starts: deque[float] = deque()
        self._counted: int | None = None  # descriptors open at the last count
        self._starts_since_count = 0
        self._group_room: int | None = None  # tasks left in the tightest control group
        self._starts_since_group_read = 0
        self._group_read = False

    def started(self) -> None:
        self._starts.append(time.monotonic())
        self._starts_since_count += 1
        self._starts_since_group_read += 1

    def _may_be_near(self, soft: int) -> bool:
        """Whether the descriptors are worth counting (listing them costs 1 ms at 3,000):
        each start takes at most ``WORKER_DESCRIPTORS``; count anyway now and then."""
        if self._counted is None or self._starts_since_count >= RECOUNT_EVERY:
            return True
        projected = self._counted + WORKER_DESCRIPTORS * self._starts_since_count
        return soft - projected < RECOUNT_MARGIN

    def starts_that_fit(self) -> int:
        """How many more starts fit, counted now, ``RECOUNT_MARGIN`` clear of the descriptor
        limit: what may be made ahead for them can never be what runs out."""
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft == resource.RLIM_INFINITY:
            return sys.maxsize
        try:
            open_now = len(os.listdir("/proc/self/fd")) - 1  # (the listing's own)
        except OSError:
            return 0
        return max(0, (soft - open_now - RECOUNT_MARGIN) // WORKER_DESCRIPTORS)

    def refusal(self) -> str | None:
        """Why starting one more worker now could fail half-way, or None if it fits."""
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if soft != resource.RLIM_INFINITY and self._may_be_near(soft):
            with contextlib.suppress(OSError):
                open_now = len(os.listdir("/proc/self/fd")) - 1  # (the listing's own)
                self._counted, self._starts_since_count = open_now, 0
                if soft - open_now < SPAWN_DESCRIPTORS:
                    return _no_descriptors(soft)
        while self._starts and self._starts[0] < time.monotonic() - STARTING_SECONDS:
            self._starts.popleft()
        needed = SPAWN_TASKS + WORKER_TASKS * len(self._starts)
        limit = resource.getrlimit(resource.RLIMIT_NPROC)[0]
        counted = os.getuid() != 0 and limit != resource.RLIM_INFINITY
        if counted and limit < _COUNT_TASKS_BELOW and _tasks_of_this_user() > limit - needed:
            return _no_processes(limit)  # (root is never refused)
        if self._group_may_be_near(needed):
            limits = _cgroup_pid_limits()  # (threads count as processes)
            self._starts_since_group_read, self._group_read = 0, True
            self._group_room = min((most - now for most, now in limits), default=None)
            for most, now in limits:
                if most - now < needed:
                    return f"its control group's limit of {most:,} processes is reached (pids.max)"
        return None

    def _group_may_be_near(self, needed: int) -> bool:
        """Whether the control groups' task counts are worth reading (a file or two a
        level): each start takes at most ``WORKER_TASKS``; read anyway now and then."""
        if not self._group_read or self._starts_since_group_read >= RECOUNT_EVERY:
            return True
        if self._group_room is None:  # no control group had a limit
            return False
        projected = self._group_room - WORKER_TASKS * self._starts_since_group_read
        return projected - needed < TASKS_MARGIN


def _cgroup_pid_limits() -> list[tuple[int, int]]:
    """(pids.max, pids.current) of this process's control group and those above it: a
    container's or a systemd unit's task limit (``TasksMax``), which binds root too."""
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as cgroups:
            lines = cgroups.read().splitlines()
    except OSError:
        return []
    where = None
    for line in lines:
        hierarchy, controllers, path = line.split(":", 2)
        if "pids" in controllers.split(","):  # cgroup v1
            where = "/sys/fs/cgroup/pids" + path
        elif hierarchy == "0" and where is None:  # cgroup v2
            where = "/sys/fs/cgroup" + path
    limits = []
    while where is not None and where.startswith("/sys/fs/cgroup/"):
        with contextlib.suppress(OSError, ValueError):
            with open(os.path.join(where, "pids.max"), encoding="ascii") as maximum:
                text = maximum.read().strip()
            if text != "max":
                with open(os.path.join(where, "pids.current"), encoding="ascii") as current:
                    limits.append((int(text), int(current.read())))
        parent = os.path.dirname(where.rstrip("/"))
        where = parent if parent != where.rstrip("/") else None
    return limits


def start_failure(error: BaseException) -> str:
    """What a start that failed half-way means, in words: the limit it hit, if any."""
    number = getattr(error, "errno", None)
    if number in (errno.EMFILE, errno.ENFILE):
        return _no_descriptors(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    if number == errno.EAGAIN:
        return "the system would not start another process (ulimit -u, or a container's limit)"
    if number == errno.ENOMEM:
        return "the system has no memory for another process"
    if isinstance(error, EOFError):  # the fork server gave up on it (see the top)
        return "the fork server could not start it (a process or memory limit?)"
    return str(error) or type(error).__name__


def _no_descriptors(limit: int) -> str:
    return (
        f"mproc-tui has used its {limit:,} file descriptors "
        "(about 4 a worker; ulimit -Hn raises the most it can take)"
    )


def _no_processes(limit: int) -> str:
    return f"this user's limit of {limit:,} processes is reached (ulimit -u)"


def _tasks_of_this_user() -> int:
    """Processes and threads of this user, as the kernel counts them against RLIMIT_NPROC."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        with open("/proc/loadavg", encoding="ascii") as loadavg:
            system = int(loadavg.read().split()[3].split("/")[1])  # every task there is
        if system <= resource.getrlimit(resource.RLIMIT_NPROC)[0] - SPAWN_TASKS:
            return system  # all of them fit: no need to look closer
    import psutil  # (here, not at the top: every worker imports this module to start)

    uid = os.getuid()
    tasks = 0
    for process in psutil.process_iter(["uids", "num_threads"]):
        uids, threads = process.info["uids"], process.info["num_threads"]
        if uids is not None and uids.real == uid:
            tasks += threads or 1
    return tasks
