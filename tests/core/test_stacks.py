"""p: the stacks of a worker's threads, read from outside while it is stuck in C."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

import psutil

from mproc_tui.core.stack_text import StackReport, format_report, parse_dump
from mproc_tui.core.stacks import read_stacks
from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from tests.conftest import Collector, support_target, wait_until

TARGETS = "targets.py"


def started(
    make_supervisor: Callable[..., Supervisor],
    collector: Collector,
    target: str,
    ready: str,
    start_method: str = "forkserver",
) -> tuple[Supervisor, int]:
    supervisor = make_supervisor(start_method)
    worker_id = supervisor.spawn(WorkerSpec(target=support_target(target)))
    wait_until(
        lambda: any(ready in m for m in collector.messages(worker_id)), 15, f"{target}: {ready}"
    )
    return supervisor, worker_id


def stacks_of(supervisor: Supervisor, worker_id: int, pid: int | None = None) -> StackReport:
    status = supervisor.status(worker_id)
    assert supervisor.helpers.stacks is not None
    create_time = status.create_time if pid is None else None
    return read_stacks(supervisor.helpers.stacks, status.name, pid or status.pid or 0, create_time)


def functions(report: StackReport) -> list[list[str]]:
    return [[frame.function for frame in thread.frames] for thread in report.threads]


def test_a_worker_stuck_on_a_lock_shows_both_threads(
    make_supervisor: Callable[..., Supervisor], collector: Collector, start_method: str
) -> None:
    supervisor, worker_id = started(
        make_supervisor, collector, "stuck_on_a_lock", "stuck", start_method
    )
    report = stacks_of(supervisor, worker_id)
    assert not report.problem, report.problem
    stacks = functions(report)  # the target's two threads, beside mproc-tui's own
    stuck = next(
        thread for thread in report.threads if thread.frames[-1].function == "stuck_on_a_lock"
    )
    assert stuck.frames[-1].path.endswith(TARGETS)
    assert stuck.frames[-1].source == "lock.acquire()"  # the line it waits on, newest last
    assert any(frames[-1] == "helper_sleeps" for frames in stacks), format_report(report)
    assert "run_worker" in [frame.function for frame in stuck.frames]  # through the bootstrap
    owns = [thread.own for thread in report.threads]  # mproc-tui's threads (output pumps) last
    assert any(owns) and owns == sorted(owns)


def test_a_stack_deeper_than_faulthandler_shows_says_so(
    make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    supervisor, worker_id = started(make_supervisor, collector, "deep_recursion", "deep")
    report = stacks_of(supervisor, worker_id)
    thread = next(t for t in report.threads if t.frames[-1].function == "deep_recursion")
    assert thread.truncated and len(thread.frames) == 100
    assert thread.frames[-1].function == "deep_recursion"
    assert "deeper than 100 frames" in format_report(report)


def test_a_stopped_an_exited_and_a_zombie_worker_get_a_truthful_message(
    make_supervisor: Callable[..., Supervisor], collector: Collector
) -> None:
    supervisor, worker_id = started(make_supervisor, collector, "stuck_on_a_lock", "stuck")
    pid = supervisor.status(worker_id).pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)
    wait_until(lambda: psutil.Process(pid).status() == psutil.STATUS_STOPPED, 10, "stopped")
    assert "is stopped (SIGSTOP)" in stacks_of(supervisor, worker_id).problem
    os.kill(pid, signal.SIGCONT)
    assert not stacks_of(supervisor, worker_id).problem  # it answers again
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not supervisor.status(worker_id).alive, 10, "the worker reaped")
    assert "has exited" in stacks_of(supervisor, worker_id).problem


def test_a_zombie_says_it_has_exited(tmp_path: object) -> None:
    from mproc_tui.core.stack_dumps import register_stack_dumps
    from mproc_tui.core.stacks import StackDirectory

    directory = StackDirectory()
    try:
        pid = os.fork()
        if pid == 0:  # registers, then exits unreaped
            register_stack_dumps(directory.path)
            os._exit(0)
        wait_until(lambda: psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, 10, "a zombie")
        assert "zombie" in read_stacks(directory, "child", pid).problem
    finally:
        os.waitpid(pid, 0)
        directory.close()


def test_a_child_started_through_multiprocessing_shows_its_own_stack(
    make_supervisor: Callable[..., Supervisor], collector: Collector, start_method: str
) -> None:
    supervisor, worker_id = started(
        make_supervisor, collector, "stuck_child", "children", start_method
    )
    message = next(m for m in collector.messages(worker_id) if m.startswith("children"))
    child, helper = (int(part) for part in message.split()[1:])
    wait_until(
        lambda: any(m == "stuck" for m in collector.messages(worker_id)), 15, "the child stuck"
    )
    report = stacks_of(supervisor, worker_id, pid=child)
    assert not report.problem, report.problem
    assert any(frames[-1] == "stuck_on_a_lock" for frames in functions(report))
    # The worker's own stack is its own: it waits in join() for that child.
    own = functions(stacks_of(supervisor, worker_id))
    assert any("stuck_child" in frames for frames in own)
    assert "cannot show its stack" in stacks_of(supervisor, worker_id, pid=helper).problem


DUMP = """\
Thread 0x00007f0000000002 (most recent call first):
  File "/x/threading.py", line 320 in wait
  File "/x/app.py", line 7 in helper
  ...

Current thread 0x00007f0000000001 (most recent call first):
  File "/x/app.py", line ??? in <module>

Thread 0x00007f0000000003 (most recent call first):
  <no Python frame>
...
"""


def test_faulthandler_text_reads_as_threads_newest_frame_last() -> None:
    threads, more = parse_dump(DUMP)
    assert more
    assert [thread.ident for thread in threads] == [0x7F0000000002, 0x7F0000000001, 0x7F0000000003]
    assert [frame.function for frame in threads[0].frames] == ["helper", "wait"]
    assert threads[0].truncated and not threads[1].truncated
    assert threads[1].frames[0].line is None
    assert threads[2].frames == ()
