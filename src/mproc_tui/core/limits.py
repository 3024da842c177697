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


def raise_descriptor_limit() -> int:
    """Raise this process's soft limit to the hard one; returns the user's soft limit
    (also left in the environment, which workers and a watched program inherit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    users = int(os.environ.setdefault(USERS_LIMIT_VARIABLE, str(soft)))
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return users


def users_descriptor_limit() -> int | None:
    """The soft limit the user started mproc-tui with, if mproc-tui raised its own."""
    value = os.environ.get(USERS_LIMIT_VARIABLE, "")
    return int(value) if value.isdigit() else None


def restore_descriptor_limit(pid: int = 0) -> None:
    """Give a worker (this process, or ``pid``) the user's soft limit back."""
    users = users_descriptor_limit()
    if users is None:
        return
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (min(users, hard), hard))
