"""The command line's restart policy and memory limit: every worker's default."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from mproc_tui.core.plan_error import PlanError
from mproc_tui.core.plan_options import (
    OVER_LIMIT_SECONDS,
    KeepOptions,
    parse_max_restarts,
    parse_restart,
    parse_seconds,
    parse_size,
)
from mproc_tui.core.restart_policy import HEALTHY_SECONDS, RestartPolicy


def _plan_type(parse: Callable[[str], object]) -> Callable[[str], object]:
    """An argparse type from a plan parser: its message, one readable line."""

    def check(text: str) -> object:
        try:
            return parse(text)
        except PlanError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return check


def add_keep_options(parser: argparse.ArgumentParser) -> None:
    """Restart policy and memory limit: every worker's, unless a [[worker]] sets its own."""
    keep = parser.add_argument_group(
        "keeping workers running (every worker's; a [[worker]] table may set its own)"
    )
    keep.add_argument(
        "--restart",
        type=_plan_type(parse_restart),
        metavar="no|on-failure|always",
        help="run a worker again when it ends: never (default), after a failure, always;"
        " a worker stopped on purpose (k, K, T, quitting) never comes back",
    )
    keep.add_argument(
        "--max-restarts",
        type=_plan_type(parse_max_restarts),
        metavar="N",
        help="at most N restarts in a row (default: no limit)",
    )
    keep.add_argument(
        "--backoff",
        type=_plan_type(partial(parse_seconds, what="--backoff")),
        metavar="SECONDS",
        help="the first restart's delay, doubled for each next one in a row (default: 1)",
    )
    keep.add_argument(
        "--backoff-max",
        type=_plan_type(partial(parse_seconds, what="--backoff-max")),
        metavar="SECONDS",
        help=f"the longest delay (default: 60); a run of {HEALTHY_SECONDS:g} s starts the row anew",
    )
    keep.add_argument(
        "--max-rss",
        type=_plan_type(parse_size),
        metavar="SIZE",
        help=f"stop a worker whose memory (its children's too) stays over SIZE for"
        f" {OVER_LIMIT_SECONDS:g} s, e.g. 500MB or 2GiB; then its restart policy applies",
    )


def keep_from(arguments: argparse.Namespace) -> KeepOptions:
    """The command line's restart policy and memory limit."""
    policy = RestartPolicy()
    given = {
        "restart": arguments.restart,
        "max_restarts": arguments.max_restarts,
        "backoff": arguments.backoff,
        "backoff_max": arguments.backoff_max,
    }
    policy = replace(policy, **{key: value for key, value in given.items() if value is not None})
    return KeepOptions(policy, arguments.max_rss)
