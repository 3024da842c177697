"""What the user asked to run, from the command line, a dialog or a TOML file: validated.

Every problem becomes a ``PlanError`` whose message names what is wrong and where,
in words a user can act on; nothing here spawns or imports user code.
"""

from __future__ import annotations

import ast
import logging
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mproc_tui.core.plan_error import PlanError
from mproc_tui.core.plan_options import POLICY_KEYS, KeepOptions, keep_options
from mproc_tui.core.target_reference import TargetError, resolve_reference
from mproc_tui.core.workers import START_METHODS, WorkerSpec

if TYPE_CHECKING:
    import tomllib

WORKER_KEYS = ("target", "args", "kwargs", "name", "daemon", "count", "level", *POLICY_KEYS)
LEVEL_NAMES = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
TOP_LEVEL_KEYS = ("start_method", "worker")
MAX_COUNT = 1000  # workers of one kind; more is a typo, not a plan (each is a process)
MAX_CONFIG_BYTES = 1 << 20
_WORKER_HEADER = re.compile(r"\s*\[\[\s*worker\s*\]\]")
_EXAMPLES = {"args": "[2]", "kwargs": '{"n": 3}'}


@dataclass(frozen=True)
class WorkerPlan:
    """One kind of worker and how many of it."""

    spec: WorkerSpec
    count: int = 1
    origin: str = ""  # where it was described, for messages: "workers.toml, line 7"


@dataclass(frozen=True)
class LaunchPlan:
    """Workers to start at launch, and the start method a config file chose (if any)."""

    workers: tuple[WorkerPlan, ...]
    start_method: str | None = None


def lesson_plans(seconds: float = 2.0) -> tuple[WorkerPlan, ...]:
    """The lesson: ``Process-1`` (daemon, worker1) and ``renamed worker`` (worker2)."""
    return (
        WorkerPlan(WorkerSpec("mproc_tui.catalog:worker1", (seconds,), daemon=True)),
        WorkerPlan(WorkerSpec("mproc_tui.catalog:worker2", (seconds,), name="renamed worker")),
    )


def parse_args(text: str) -> tuple[Any, ...]:
    """``[2, "x"]`` -> ``(2, "x")``: a Python literal list or tuple, never ``eval``."""
    value = _literal(text, "args")
    if not isinstance(value, list | tuple):
        raise PlanError(f"args must be a list such as [2], not {type(value).__name__}")
    return tuple(value)


def parse_kwargs(text: str) -> dict[str, Any]:
    """``{"n": 3}`` -> ``{"n": 3}``: a Python literal dict with string keys."""
    value = _literal(text, "kwargs")
    return _check_kwargs(value)


def parse_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PlanError(f"count must be a whole number of at least 1, not {value!r}")
    try:
        count = int(value)
    except ValueError:
        raise PlanError(f"count must be a whole number of at least 1, not {value!r}") from None
    if count < 1:
        raise PlanError(f"count must be at least 1, not {count}")
    if count > MAX_COUNT:
        raise PlanError(f"count must be at most {MAX_COUNT}, not {count}")
    return count


def parse_level(value: object) -> int:
    """``"info"`` -> 20: a worker's root logger level, by one of the five names."""
    name = value.upper() if isinstance(value, str) else None
    if name not in LEVEL_NAMES:
        raise PlanError(f"level must be one of {', '.join(LEVEL_NAMES)}, not {value!r}")
    return int(getattr(logging, name))


def check_start_method(value: object) -> str:
    if value not in START_METHODS:
        raise PlanError(f"unknown start method {value!r}; choose one of {', '.join(START_METHODS)}")
    return str(value)


def make_plan(
    target: str,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
    daemon: bool = False,
    count: int = 1,
    level: int | None = None,
    keep: KeepOptions | None = None,
) -> WorkerPlan:
    try:
        reference = resolve_reference(target)
    except TargetError as error:
        raise PlanError(str(error)) from None
    spec = WorkerSpec(
        target=reference,
        args=args,
        kwargs=dict(kwargs or {}),
        name=name or None,
        daemon=daemon,
        level=level,
        restart=(keep or KeepOptions()).restart,
        max_rss=(keep or KeepOptions()).max_rss,
    )
    return WorkerPlan(spec=spec, count=count)


SLEEPER = "mproc_tui.catalog:sleeper"


def with_sleep(plans: tuple[WorkerPlan, ...], seconds: float) -> tuple[WorkerPlan, ...]:
    """``--sleep`` for every built-in sleeper not given its own seconds (as ``n`` does)."""
    return tuple(
        replace(plan, spec=replace(plan.spec, args=(seconds,)))
        if plan.spec.target == SLEEPER and not plan.spec.args and not plan.spec.kwargs
        else plan
        for plan in plans
    )


def check_picklable(plan: WorkerPlan, start_method: str) -> None:
    """Under spawn and forkserver the arguments travel pickled: find out now, not in the child."""
    if start_method == "fork":
        return
    try:
        pickle.dumps((plan.spec.args, plan.spec.kwargs))
    except Exception as error:
        raise PlanError(
            f"the arguments of {plan.spec.target} cannot be pickled for {start_method}: {error}"
        ) from None


def load_config(path: str | Path, defaults: KeepOptions | None = None) -> LaunchPlan:
    """Read a workers file: top-level ``start_method`` and ``[[worker]]`` tables; a table's
    restart policy and memory limit default to ``defaults`` (the command line's)."""
    location = Path(path)
    try:
        if not location.exists():
            raise PlanError(f"cannot read {location}: no such file")
        if not location.is_file():
            raise PlanError(f"cannot read {location}: not a file")
        if location.stat().st_size > MAX_CONFIG_BYTES:
            raise PlanError(
                f"{location} is over {MAX_CONFIG_BYTES // 1024} KiB: not a workers file"
            )
        text = location.read_text(encoding="utf-8")
    except OSError as error:
        raise PlanError(f"cannot read {location}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise PlanError(f"{location} is not a UTF-8 text file") from None
    import tomllib  # (only for a workers file: not at every start)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlanError(f"{location}: {_toml_problem(error, text)}") from None
    except (RecursionError, ValueError, MemoryError) as error:  # nesting, huge integers
        raise PlanError(f"{location}: cannot be read as TOML: {error}") from None
    unknown = [key for key in data if key not in TOP_LEVEL_KEYS]
    if unknown:
        raise PlanError(
            f"{_where(location, text, None, unknown[0])}: unknown key {unknown[0]!r} "
            f"(allowed: {', '.join(TOP_LEVEL_KEYS)})"
        )
    start_method = None
    if "start_method" in data:
        try:
            start_method = check_start_method(data["start_method"])
        except PlanError as error:
            raise PlanError(f"{_where(location, text, None, 'start_method')}: {error}") from None
    tables = data.get("worker", [])
    if not isinstance(tables, list) or not tables:
        raise PlanError(f"{location}: list at least one [[worker]] table")
    workers = tuple(
        _worker_from_table(location, text, index, table, defaults or KeepOptions())
        for index, table in enumerate(tables, 1)
    )
    return LaunchPlan(workers=workers, start_method=start_method)


def _worker_from_table(
    location: Path, text: str, index: int, table: object, defaults: KeepOptions
) -> WorkerPlan:
    where = _where(location, text, index)
    if not isinstance(table, dict):
        raise PlanError(f"{where} must be a table")
    for key in table:
        if key not in WORKER_KEYS:
            raise PlanError(
                f"{_where(location, text, index, key)}: unknown key {key!r} "
                f"(allowed: {', '.join(WORKER_KEYS)})"
            )
    if "target" not in table:
        raise PlanError(f"{where}: 'target' is required")

    def typed(key: str, kind: type, default: Any) -> Any:
        return _typed(_where(location, text, index, key), table, key, kind, default)

    target = typed("target", str, None)
    args = typed("args", list, [])
    kwargs = typed("kwargs", dict, {})
    name = typed("name", str, None)
    daemon = typed("daemon", bool, False)

    def parsed(key: str, kind: type, parse: Callable[[Any], Any], default: Any) -> Any:
        """A bad count or level is named on its own line, not the target's."""
        if key not in table:
            return default
        value = typed(key, kind, default)
        try:
            return parse(value)
        except PlanError as error:
            raise PlanError(f"{_where(location, text, index, key)}: {error}") from None

    count = parsed("count", int, parse_count, 1)
    level = parsed("level", str, parse_level, None)
    keep = defaults
    for key in POLICY_KEYS:  # each checked on its own line
        keep = parsed(key, object, partial(_with_option, key, keep), keep)
    origin = _where(location, text, index, "target")
    try:
        plan = make_plan(
            target, tuple(args), _check_kwargs(kwargs), name, daemon, count, level, keep
        )
    except PlanError as error:
        raise PlanError(f"{origin}: {error}") from None
    return replace(plan, origin=origin)


def _with_option(key: str, keep: KeepOptions, value: object) -> KeepOptions:
    return keep_options({key: value}, keep)


def _where(location: Path, text: str, index: int | None, key: str | None = None) -> str:
    """``workers.toml, line 7: [[worker]] #2``: the line of ``key`` in that table if found.

    tomllib reports no positions for valid TOML, so the line is looked up in the text:
    the ``index``-th ``[[worker]]`` header (or the top of the file), then ``key =``.
    """
    lines = text.splitlines()
    start, found = 0, None
    if index is not None:
        headers = [n for n, line in enumerate(lines) if _WORKER_HEADER.match(line)]
        if len(headers) >= index:
            start = found = headers[index - 1]
    if key is not None:
        assignment = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start + (found is not None), len(lines)):
            if lines[number].lstrip().startswith("["):
                break
            if assignment.match(lines[number]):
                found = number
                break
    line = f", line {found + 1}" if found is not None else ""
    table = f": [[worker]] #{index}" if index is not None else ""
    return f"{location}{line}{table}"


def _typed(where: str, table: dict[str, Any], key: str, kind: type, default: Any = None) -> Any:
    value = table.get(key, default)
    if key in table and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
        raise PlanError(f"{where}: {key!r} must be {_kind_name(kind)}, not {_type_name(value)}")
    return value


def _toml_problem(error: tomllib.TOMLDecodeError, text: str) -> str:
    """``line 3, column 9: Unclosed array`` whatever tomllib put in its message."""
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        reason = message[: found.start()]
        return f"line {found.group(1)}, column {found.group(2)}: {reason}"
    reason = re.sub(r"\s*\(at end of document\)$", "", message)
    return f"line {max(1, len(text.splitlines()))} (end of file): {reason}"


def _literal(text: str, what: str) -> Any:
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError, OverflowError):
        raise PlanError(
            f"{what} must be a Python literal such as {_EXAMPLES[what]}: {text!r}"
        ) from None


def _check_kwargs(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PlanError(f'kwargs must be a dict such as {{"n": 3}}, not {_type_name(value)}')
    for key in value:
        if not isinstance(key, str) or not key.isidentifier():
            raise PlanError(f"kwargs keys must be argument names, not {key!r}")
    return dict(value)


def _kind_name(kind: type) -> str:
    return {
        str: "a string",
        list: "a list",
        bool: "true or false",
        int: "a whole number",
        dict: "a table",
    }.get(kind, kind.__name__)


def _type_name(value: object) -> str:
    names = {
        str: "a string",
        list: "a list",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)
