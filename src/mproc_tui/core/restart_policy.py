"""When a worker that ended runs again: its restart policy, as process-compose and pm2 have.

Plain data and one pure function, tested without a process. The rules users of
other process managers asked for (mprocs #68, pm2 #3928, supervisor #487): a
worker stopped on purpose never comes back; a crash loop slows down (the delay
doubles, up to a cap); a run that stayed up long enough resets the delay and the
count of restarts in a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

HEALTHY_SECONDS = 60.0  # a run this long resets the back-off and the restarts in a row


class Restart(StrEnum):
    """``--restart``: which ends bring a worker back."""

    NO = "no"
    ON_FAILURE = "on-failure"  # a non-zero exit code, or a signal nobody here sent
    ALWAYS = "always"  # any end, an exit code of 0 too


@dataclass(frozen=True)
class RestartPolicy:
    """One worker's policy: the defaults are ``--restart no``, unlimited, 1 s, 60 s."""

    restart: Restart = Restart.NO
    max_restarts: int | None = None  # in a row; None: no limit
    backoff: float = 1.0  # seconds before the first restart of a row
    backoff_max: float = 60.0  # the doubling stops here


@dataclass(frozen=True)
class RunEnd:
    """How one run of a worker ended, for the policy to judge."""

    exit_code: int
    on_purpose: bool  # k, K, T, a stop signal from s, a join, quitting
    seconds: float  # how long the run lasted
    restarts_in_a_row: int  # before this run's end


def restart_delay(policy: RestartPolicy, end: RunEnd) -> float | None:
    """Seconds to wait before the worker runs again, or None: it stays ended.

    The delay is ``backoff * 2**n`` for the ``n``-th restart in a row, at most
    ``backoff_max``; a run of ``HEALTHY_SECONDS`` or more starts the row again.
    """
    if end.on_purpose or policy.restart is Restart.NO:
        return None
    if policy.restart is Restart.ON_FAILURE and end.exit_code == 0:
        return None
    in_a_row = restarts_in_a_row(end)
    if policy.max_restarts is not None and in_a_row >= policy.max_restarts:
        return None
    return min(policy.backoff_max, policy.backoff * 2.0 ** min(in_a_row, 64))


def restarts_in_a_row(end: RunEnd) -> int:
    """The restarts in a row before the next one: none after a healthy run."""
    return 0 if end.seconds >= HEALTHY_SECONDS else end.restarts_in_a_row


@dataclass(frozen=True)
class RestartNote:
    """What a restart policy did with a worker that ended, for a line or a toast."""

    name: str
    pid: int | None
    exit_code: int
    restarts_in_a_row: int  # before this end
    max_restarts: int | None
    delay: float | None  # seconds until it runs again; None: it stays ended
    problem: str = ""  # why a restart that was due could not start

    def describe(self, ended: str) -> str:
        """``Process-1 (pid 41) failed with exit code 1: restart 2 of 3 in 1 s``; ``ended``
        says how it ended, in the caller's words."""
        who = f"{self.name} (pid {self.pid})" if self.pid is not None else self.name
        limit = "" if self.max_restarts is None else f" of {self.max_restarts}"
        if self.problem:
            return f"{self.name} could not restart: {self.problem}"
        if self.delay is None:
            return f"{who} {ended}: no more restarts ({self.restarts_in_a_row}{limit} in a row)"
        number = self.restarts_in_a_row + 1
        return f"{who} {ended}: restart {number}{limit} in {seconds_text(self.delay)}"


def seconds_text(seconds: float) -> str:
    """``0.5 s``, ``2 s``, ``1 min 4 s``: a delay as a person reads it."""
    if seconds < 10 and seconds != int(seconds):
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
