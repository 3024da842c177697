"""How far a long operation has got, in words: the header shows these while it lasts.

Joins wait for workers that may take minutes; a stop may wait out a grace period and
then escalate. Without a word on screen either looks like a hang.
"""

from __future__ import annotations

from mproc_tui.core.text import plural
from mproc_tui.core.worker_state import StopReport


def join_progress(ended: int, total: int) -> str:
    """While joining: ``joining 12 workers… 5 of 12 ended``."""
    return f"joining {plural(total, 'worker')}… {ended} of {total} ended"


def join_summary(total: int) -> str:
    """When the join is over: ``Joined 12 workers.``"""
    return f"Joined {plural(total, 'worker')}."


def wait_progress(ended: int, total: int) -> str:
    """While quitting with "wait": ``waiting for 3 workers… 1 of 3 ended``."""
    return f"waiting for {plural(total, 'worker')}… {ended} of {total} ended"


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
