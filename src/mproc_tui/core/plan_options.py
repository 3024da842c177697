"""How a worker is kept: its restart policy and memory limit, from the command line,
the spawn form or a workers file, checked into plain values.

The command line's choice is every worker's default; a ``[[worker]]`` table (or the
form) may set its own. Every problem is a ``PlanError`` a user can act on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from mproc_tui.core.plan_error import PlanError
from mproc_tui.core.restart_policy import Restart, RestartPolicy

POLICY_KEYS = ("restart", "max_restarts", "backoff", "backoff_max", "max_rss")
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?\s*", re.IGNORECASE)
_LEAST_RSS = 1 << 20  # below a megabyte no Python process fits: a typo
OVER_LIMIT_SECONDS = 5.0  # a worker over its max_rss this long is stopped (memory_limit.py)


@dataclass(frozen=True)
class KeepOptions:
    """A worker's restart policy and memory limit (bytes; None: no limit)."""

    restart: RestartPolicy = field(default_factory=RestartPolicy)
    max_rss: int | None = None


def parse_restart(value: object) -> Restart:
    try:
        return Restart(value if isinstance(value, str) else repr(value))
    except ValueError:
        choices = ", ".join(mode.value for mode in Restart)
        raise PlanError(f"restart must be one of {choices}, not {value!r}") from None


def parse_max_restarts(value: object) -> int:
    number = _whole(value, "max_restarts")
    if number < 0:
        raise PlanError(f"max_restarts must be 0 or more, not {number}")
    return number


def parse_seconds(value: object, what: str) -> float:
    """A back-off: 0 or more seconds, at most a day."""
    if isinstance(value, bool):
        raise PlanError(f"{what} must be a number of seconds, not {value!r}")
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PlanError(f"{what} must be a number of seconds, not {value!r}") from None
    if not math.isfinite(seconds) or not 0 <= seconds <= 86_400:
        raise PlanError(f"{what} must be between 0 and 86400 seconds, not {value!r}")
    return seconds


def parse_size(value: object) -> int:
    """``500MB``, ``2GiB``, ``1.5g``, ``800000000``: bytes (kB, MB, GB are powers of 1000;
    KiB, MiB, GiB of 1024)."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        found = _SIZE.fullmatch(value) if isinstance(value, str) else None
        if found is None:
            raise PlanError(f"max_rss must be a size such as 500MB or 2GiB, not {value!r}")
        unit = (found.group(2) or "").lower()
        base = 1024 if "i" in unit else 1000
        scale = base ** "bkmgt".index(unit[0]) if unit else 1
        size = int(float(found.group(1)) * scale)
    if size < _LEAST_RSS:
        raise PlanError(f"max_rss must be at least 1MiB, not {value!r}")
    return size


def keep_options(values: Mapping[str, object], defaults: KeepOptions) -> KeepOptions:
    """The options ``values`` sets (keys of ``POLICY_KEYS``), the rest from ``defaults``."""
    policy = defaults.restart
    changes: dict[str, object] = {}
    if "restart" in values:
        changes["restart"] = parse_restart(values["restart"])
    if "max_restarts" in values:
        changes["max_restarts"] = parse_max_restarts(values["max_restarts"])
    for key in ("backoff", "backoff_max"):
        if key in values:
            changes[key] = parse_seconds(values[key], key)
    policy = replace(policy, **changes)  # type: ignore[arg-type]
    max_rss = parse_size(values["max_rss"]) if "max_rss" in values else defaults.max_rss
    return KeepOptions(policy, max_rss)


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PlanError(f"{what} must be a whole number, not {value!r}")
    try:
        return int(value)
    except ValueError:
        raise PlanError(f"{what} must be a whole number, not {value!r}") from None
