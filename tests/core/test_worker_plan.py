"""Bad input gets one readable message that names what is wrong (and where)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from mproc_tui.core.plan_error import PlanError
from mproc_tui.core.restart_policy import Restart, RestartPolicy
from mproc_tui.core.target_check import check_target
from mproc_tui.core.target_reference import TargetError, resolve_reference
from mproc_tui.core.worker_plan import (
    check_picklable,
    check_start_method,
    load_config,
    make_plan,
    parse_args,
    parse_count,
    parse_kwargs,
)
from tests.conftest import TESTS

BAD = TESTS / "support" / "bad_targets"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("no_such_module_anywhere:run", "cannot import 'no_such_module_anywhere': No module named"),
        (f"{BAD}/raises_on_import.py:run", "raised RuntimeError: this module refuses"),
        ("mproc_tui.catalog:no_such_function", "has no attribute 'no_such_function'"),
        (f"{BAD}/not_callable.py:work", "is not callable"),
        ("missing/dir/file.py:run", "does not exist"),
        ("just_a_word", "must look like package.module:function"),
    ],
)
def test_bad_targets_are_named(reference: str, message: str) -> None:
    with pytest.raises(TargetError, match=None) as caught:
        check_target(resolve_reference(reference))
    assert message in str(caught.value)


def test_good_targets_pass_and_built_ins_go_by_name() -> None:
    assert resolve_reference("flood") == "mproc_tui.catalog:flood"
    check_target(resolve_reference("sleeper"))
    check_target(f"{TESTS}/support/targets.py:hostile")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[2", "must be a Python literal"),
        ("__import__('os')", "must be a Python literal"),
        ("5", "args must be a list"),
        ("{'a': 1}", "args must be a list"),
    ],
)
def test_bad_args(text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_args(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [("[1]", "kwargs must be a dict"), ("{1: 2}", "keys must be argument names"), ("{", "literal")],
)
def test_bad_kwargs(text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_kwargs(text)


@pytest.mark.parametrize(("value", "message"), [(0, "at least 1"), ("two", "whole number")])
def test_bad_counts(value: object, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_count(value)


def test_good_literals() -> None:
    assert parse_args("[2, 'x']") == (2, "x")
    assert parse_kwargs('{"n": 3}') == {"n": 3}
    assert parse_count("3") == 3


def test_unknown_start_method() -> None:
    with pytest.raises(PlanError, match="unknown start method 'thread'"):
        check_start_method("thread")


def test_unpicklable_arguments_are_refused_for_spawn_and_forkserver() -> None:
    plan = make_plan("sleeper", args=(threading.Lock(),))
    for method in ("spawn", "forkserver"):
        with pytest.raises(PlanError, match=f"cannot be pickled for {method}"):
            check_picklable(plan, method)
    check_picklable(plan, "fork")  # fork copies memory: nothing is pickled


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "workers.toml"
    path.write_text(text)
    return path


def test_a_full_config(tmp_path: Path) -> None:
    plan = load_config(
        _config(
            tmp_path,
            """
start_method = "spawn"

[[worker]]
target = "mproc_tui.catalog:worker1"
args = [2]
daemon = true

[[worker]]
target = "worker2"
args = [2]
name = "renamed worker"

[[worker]]
target = "flood"
kwargs = { records_per_second = 10 }
count = 3
level = "warning"
restart = "always"
max_restarts = 2
backoff = 0.5
max_rss = "1GiB"
""",
        )
    )
    assert plan.start_method == "spawn"
    first, second, third = plan.workers
    assert first.spec.daemon and first.spec.args == (2,)
    assert second.spec.name == "renamed worker"
    assert second.spec.target == "mproc_tui.catalog:worker2"
    assert third.count == 3 and third.spec.kwargs == {"records_per_second": 10}
    assert first.spec.level is None and third.spec.level == logging.WARNING
    assert first.spec.restart == RestartPolicy() and first.spec.max_rss is None
    assert third.spec.restart == RestartPolicy(Restart.ALWAYS, 2, 0.5, 60.0)
    assert third.spec.max_rss == 1 << 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[worker]]\ntarget = "sleeper"\nargs = [2\n', "line 3"),
        ('[[worker]]\ntarget = "sleeper"\nreplicas = 2\n', "unknown key 'replicas'"),
        ('[[worker]]\ntarget = "sleeper"\ndaemon = "yes"\n', "'daemon' must be true or false"),
        ('[[worker]]\ntarget = "sleeper"\nargs = 2\n', "'args' must be a list, not a number"),
        ('[[worker]]\ntarget = "sleeper"\ncount = 0\n', "count must be at least 1"),
        ('[[worker]]\ntarget = "sleeper"\ncount = "2"\n', "'count' must be a whole number"),
        ("[[worker]]\nargs = [2]\n", "'target' is required"),
        ('[[worker]]\ntarget = "sleeper"\nlevel = "LOUD"\n', "level must be one of DEBUG"),
        ('[[worker]]\ntarget = "sleeper"\nlevel = 10\n', "'level' must be a string"),
        (
            '[[worker]]\ntarget = "sleeper"\nrestart = "sometimes"\n',
            "line 3: [[worker]] #1: restart",
        ),
        ('[[worker]]\ntarget = "sleeper"\nmax_rss = "lots"\n', "max_rss must be a size"),
        ('start_method = "thread"\n[[worker]]\ntarget = "sleeper"\n', "unknown start method"),
        ("workers = 1\n", "unknown key 'workers'"),
        ('start_method = "spawn"\n', "at least one [[worker]]"),
    ],
)
def test_config_errors_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PlanError) as caught:
        load_config(_config(tmp_path, text))
    assert message in str(caught.value)
    assert "workers.toml" in str(caught.value)


def test_config_errors_name_their_line(tmp_path: Path) -> None:
    text = (
        "start_method = 'spawn'\n"
        "\n[[worker]]\ntarget = 'sleeper'\n"
        "\n[[worker]]\ntarget = 'sleeper'\ndaemon = 'yes'\n"
    )
    with pytest.raises(PlanError, match=r"workers.toml, line 8: \[\[worker\]\] #2: 'daemon'"):
        load_config(_config(tmp_path, text))
    with pytest.raises(PlanError, match=r"line 5: \[\[worker\]\] #1: unknown key 'arg'"):
        load_config(_config(tmp_path, "\n\n[[worker]]\ntarget = 'x:y'\narg = [2]\n"))
    bad_count = "[[worker]]\ntarget = 'sleeper'\nname = 'a'\n\n# many\ncount = 0\n"
    with pytest.raises(PlanError, match=r"line 6: \[\[worker\]\] #1: count must be at least 1"):
        load_config(_config(tmp_path, bad_count))


def test_a_config_target_remembers_where_it_came_from(tmp_path: Path) -> None:
    plan = load_config(_config(tmp_path, "[[worker]]\n# comment\ntarget = 'sleeper'\n"))
    assert plan.workers[0].origin.endswith("workers.toml, line 3: [[worker]] #1")


def test_a_binary_config_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "workers.toml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(PlanError, match="not a UTF-8 text file"):
        load_config(path)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read"):
        load_config(tmp_path / "nope.toml")


def test_sleep_reaches_every_sleeper_given_no_seconds_of_its_own(tmp_path: Path) -> None:
    from mproc_tui.cli import _plan_from, build_parser

    def seconds(*argv: str) -> list[tuple[object, ...]]:
        plans, _ = _plan_from(build_parser().parse_args(list(argv)))
        return [plan.spec.args for plan in plans]

    assert seconds("--target", "sleeper", "--sleep", "0.5") == [(0.5,)]
    assert seconds("--target", "sleeper", "--args", "[7]", "--sleep", "0.5") == [(7,)]
    assert seconds("--target", "flood", "--sleep", "0.5") == [()]
    config = tmp_path / "workers.toml"
    config.write_text(
        '[[worker]]\ntarget = "sleeper"\ncount = 2\n\n'
        '[[worker]]\ntarget = "sleeper"\nkwargs = {seconds = 9}\n'
    )
    assert seconds("--config", str(config), "--sleep", "0.25") == [(0.25,), ()]
