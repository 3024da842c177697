"""What the header, titles and toasts say: every sentence the UI builds from numbers.

Pure functions of plain data, tested without a terminal. Joins wait for workers that
may take minutes; a stop may wait out a grace period and then escalate: without a
word on screen either looks like a hang.
"""

from __future__ import annotations

from collections.abc import Iterable

from mproc_tui.core.rows import OWN, WorkerRow
from mproc_tui.core.text import plural, safe_text, signal_name
from mproc_tui.core.workers import StopReport


def join_progress(ended: int, total: int) -> str:
    """While joining: ``joining 12 workers… 5 of 12 ended``."""
    return f"joining {plural(total, 'worker')}… {ended} of {total} ended"


def join_summary(total: int) -> str:
    """When the join is over: ``Joined 12 workers.``"""
    return f"Joined {plural(total, 'worker')}."


def wait_progress(ended: int, total: int, program: str | None = None) -> str:
    """While quitting with "wait": ``waiting for 3 workers… 1 of 3 ended`` (``waiting
    for lesson.py and 2 workers…`` with a watched program, which is no worker)."""
    waited = plural(total, "worker")
    if program is not None:
        workers = f" and {plural(total - 1, 'worker')}" if total > 1 else ""
        waited = f"{safe_text(program)}{workers}"
    return f"waiting for {waited}… {ended} of {total} ended"


def stop_progress(verb: str, report: StopReport) -> str:
    """While stopping: ``terminating 5 workers… 3 of 5 ended, 2 escalated to SIGKILL``."""
    text = (
        f"{verb} {plural(report.signalled, 'worker')}… {report.ended} of {report.signalled} ended"
    )
    if report.escalated:
        text += f", {report.escalated} escalated to SIGKILL"
    return text


def stop_summary(report: StopReport) -> str:
    """When a stop is over: ``Terminated 5 workers (2 escalated to SIGKILL).``"""
    text = f"Terminated {plural(report.signalled, 'worker')}"
    if report.escalated:
        text += f" ({report.escalated} escalated to SIGKILL)"
    return text + "."


def app_title(workers: int, start_method: str, restarts: int = 0) -> str:
    """The window's title: ``mproc-tui — 3 workers · forkserver`` (``· 4 restarts``)."""
    title = f"mproc-tui — {plural(workers, 'worker')} · {start_method}"
    return f"{title} · {plural(restarts, 'restart')}" if restarts else title


def exit_words(code: int | None) -> str:
    """``exited with code 0``, ``was killed by SIGTERM``: how a program ended."""
    if code is None:
        return "is running"
    if code < 0:
        return f"was killed by {signal_name(-code)}"
    return f"exited with code {code}"


def waiting_words(name: str) -> str:
    """j on a watched program's process, which only its own parent can join."""
    return (
        f"mproc-tui is not {name}'s parent, so it cannot join it: "
        "it waits for the end, as join() would, and says how it ended."
    )


def ended_words(code: int | None) -> str:
    """How a watched program's process ended, as far as anyone learned."""
    if code is None:
        return "ended; nobody learned its exit code (its parent did not join it)"
    return exit_words(code)


def program_title(
    program: str, processes: int, ended: bool, code: int | None, dropped: int = 0
) -> str:
    """``mproc-tui — lesson.py · 3 processes · running`` (then ``· exited with code 0``),
    and the records the agents had to drop, if any: what the pane lacks is never silent."""
    state = exit_words(code) if ended else "running"
    title = f"mproc-tui — {safe_text(program)} · {plural(processes, 'process')} · {state}"
    return f"{title} · {plural(dropped, 'record')} dropped" if dropped else title


def table_summary(rows: Iterable[WorkerRow]) -> str:
    """``3 running · 1 exited · 1 failed``: the table's title.

    Workers ended on purpose (``k``, ``K``, ``T``, a restart, quitting) are counted
    apart, as terminated: their signal exit codes are not failures. A watched
    program's process that ended with an exit code nobody learned is ``ended``
    (terminated, if mproc-tui stopped it): not counted as exited, which means code 0.
    """
    running = exited = failed = terminated = ended = restarting = 0
    for row in rows:
        if row.running:
            running += 1
        elif row.restarting:
            restarting += 1
        elif row.stop_requested and (row.failed or row.exit_code is None):
            terminated += 1
        elif row.failed:
            failed += 1
        elif row.exit_code is None:
            ended += 1
        else:
            exited += 1
    summary = f"{running} running · {exited} exited · {failed} failed"
    summary += f" · {restarting} waiting to restart" if restarting else ""
    summary += f" · {ended} ended, exit code unknown" if ended else ""
    return summary + (f" · {terminated} terminated" if terminated else "")


def failure_title(row: WorkerRow) -> str:
    """A watched program's process is no worker of mproc-tui's."""
    return "Worker failed" if row.kind in ("", OWN) else "Process failed"


def failure(row: WorkerRow) -> str:
    """A failed worker's toast: ``X was killed by SIGKILL (exit code -9)``, and what
    follows: ``restarting in 2 s``."""
    name = safe_text(row.name)
    code = row.exit_code or 0
    if code < 0:
        text = f"{name} was killed by {signal_name(-code)} (exit code {code})"
    else:
        text = f"{name} exited with code {code}"
    return f"{text}; {row.state}" if row.restarting else text


def quit_wait_progress(ended: int, total: int, program: str | None = None) -> str:
    """While quitting waits: ``waiting for 3 workers… 1 of 3 ended · q again terminates them``."""
    them = "them" if total > 1 else "it"
    return f"{wait_progress(ended, total, program)} · q again terminates {them}"


def program_stop_progress(program: str, grace: float) -> str:
    """While the watched program is stopped: SIGTERM now, SIGKILL after ``grace``."""
    return f"terminating {safe_text(program)} and its processes… SIGKILL after {grace:g} s"


def waiting_to_quit(total: int) -> str:
    return f"Waiting for {plural(total, 'worker')} to finish… press q again to terminate instead."


def signal_sent(signal_number: int, name: str, count: int, with_children: bool) -> str:
    """``Sent SIGSTOP to Process-2 and 2 children``."""
    others = count - 1
    also = f" and {others} {'child' if others == 1 else 'children'}" if with_children else ""
    return f"Sent {signal_name(signal_number)} to {name}{also}"
