"""Descriptor limits: the app takes the hard limit, its workers keep the user's.

The app holds about three descriptors a worker: at a desktop's usual soft limit of
1,024 a few hundred workers exhausted it, and every worker then failed at once. Long
running supervisors raise their own soft ``RLIMIT_NOFILE`` to the hard limit and give
what they start the limit the user started them with (as Go's runtime does): code in
a worker that uses ``select()`` breaks on descriptors above 1,024.
"""

from __future__ import annotations

import contextlib
import os
import resource

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
