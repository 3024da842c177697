"""Restart policy and memory limit from text and TOML values: clear errors, sane units."""

from __future__ import annotations

import pytest

from mproc_tui.core.plan_error import PlanError
from mproc_tui.core.plan_options import KeepOptions, keep_options, parse_size
from mproc_tui.core.restart_policy import Restart, RestartPolicy


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("500MB", 500_000_000),
        ("500 mb", 500_000_000),
        ("2GiB", 2 * 1024**3),
        ("1.5g", 1_500_000_000),
        ("64MiB", 64 * 1024**2),
        ("800000000", 800_000_000),
        (800_000_000, 800_000_000),
    ],
)
def test_sizes(text: object, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "5XB", "-1MB", "100", "0.5KB", True, 1.5e9])
def test_bad_sizes_say_what_a_size_looks_like(text: object) -> None:
    with pytest.raises(PlanError, match="max_rss must be"):
        parse_size(text)


def test_a_table_overrides_the_command_lines_choice_key_by_key() -> None:
    defaults = KeepOptions(RestartPolicy(Restart.ON_FAILURE, 3, 0.5, 10), max_rss=10 << 20)
    kept = keep_options({"restart": "always", "backoff_max": 30, "max_rss": "1GB"}, defaults)
    assert kept.restart == RestartPolicy(Restart.ALWAYS, 3, 0.5, 30.0)
    assert kept.max_rss == 1_000_000_000
    assert keep_options({}, defaults) == defaults


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"restart": "sometimes"}, "restart must be one of no, on-failure, always"),
        ({"restart": 1}, "restart must be one of"),
        ({"max_restarts": -1}, "max_restarts must be 0 or more"),
        ({"max_restarts": "many"}, "max_restarts must be a whole number"),
        ({"max_restarts": True}, "max_restarts must be a whole number"),
        ({"backoff": "soon"}, "backoff must be a number of seconds"),
        ({"backoff": -1}, "backoff must be between 0 and 86400"),
        ({"backoff_max": float("inf")}, "backoff_max must be between 0 and 86400"),
    ],
)
def test_bad_values_are_named(values: dict[str, object], message: str) -> None:
    with pytest.raises(PlanError, match=message):
        keep_options(values, KeepOptions())
