"""Command line: parse options, run the app, and make sure no worker outlives it."""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NoReturn, TypeVar

from mproc_tui import __version__
from mproc_tui.cli_keep import add_keep_options, keep_from
from mproc_tui.core.log_file import JsonLinesLog
from mproc_tui.core.plan_error import PlanError
from mproc_tui.core.target_check import check_target
from mproc_tui.core.target_reference import TargetError
from mproc_tui.core.text import safe_text
from mproc_tui.core.worker_plan import (
    LEVEL_NAMES,
    WorkerPlan,
    check_picklable,
    lesson_plans,
    load_config,
    make_plan,
    parse_args,
    parse_count,
    parse_kwargs,
    with_sleep,
)
from mproc_tui.core.worker_plan import parse_level as level_of
from mproc_tui.core.workers import START_METHODS

if TYPE_CHECKING:
    from mproc_tui.ui.app import MprocApp

Number = TypeVar("Number", int, float)


class OneLineParser(argparse.ArgumentParser):
    """Bad input gets one readable line and exit status 2, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        # safe_text: a message may quote user text (an exception from their module).
        self.exit(2, f"{self.prog}: error: {safe_text(message)}\n")


def _checked(
    convert: Callable[[str], Number], noun: str, reason: Callable[[Number], str | None]
) -> Callable[[str], Number]:
    """An argparse type: convert, then check; both failures read as one plain sentence
    that says what is wrong with the value given."""

    def parse(text: str) -> Number:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        wrong = reason(value)
        if wrong is not None:
            raise argparse.ArgumentTypeError(f"{text!r} {wrong}")
        return value

    return parse


def _seconds(positive: bool) -> Callable[[float], str | None]:
    """What is wrong with a number of seconds (more than 0 if ``positive``, else 0 or more)."""
    least = "more than 0" if positive else "0 or more"

    def reason(value: float) -> str | None:
        if math.isnan(value):
            return "is not a number of seconds"
        if math.isinf(value):
            return "is not a finite number of seconds"
        if value < 0 or (positive and value == 0):
            return f"{'is negative' if value < 0 else 'is 0'}: give {least} seconds"
        return None

    return reason


positive_number = _checked(float, "a number", _seconds(positive=True))
non_negative_number = _checked(float, "a number", _seconds(positive=False))
positive_integer = _checked(
    int, "a whole number", lambda value: None if value >= 1 else "must be at least 1"
)


class Once(argparse.Action):
    """An option given at most once: a second would silently replace the first."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        given = f"_{self.dest}_given"
        if getattr(namespace, given, False):
            hint = "; several kinds of worker: --config with [[worker]] tables"
            raise argparse.ArgumentError(self, f"given twice: it takes one value a run{hint}")
        setattr(namespace, given, True)
        setattr(namespace, self.dest, values)


def parse_level(text: str) -> int:
    if text.upper() not in LEVEL_NAMES:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(LEVEL_NAMES)}")
    return level_of(text)


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="mproc-tui",
        description="Watch and steer Python multiprocessing workers: live table, live logs.",
        epilog="mproc-tui run SCRIPT [ARGS...] watches an existing program: see mproc-tui run -h",
    )
    parser.add_argument(
        "--demo", action="store_true", help="replay the lesson: Process-1 and 'renamed worker'"
    )
    parser.add_argument(
        "--lesson",
        nargs="?",
        const="",
        metavar="NAME",
        help="run a lesson (lock, barrier, queue, ...) and watch it; --lesson alone lists them",
    )
    parser.add_argument(
        "--start-method",
        choices=START_METHODS,
        default=None,
        help="how workers start (default: the config file's, else forkserver)",
    )
    workers = parser.add_argument_group("workers to start (instead of --demo)")
    workers.add_argument(
        "--config",
        action=Once,
        metavar="PATH",
        help="a TOML file with start_method and [[worker]] tables",
    )
    workers.add_argument(
        "--target",
        action=Once,
        metavar="SPEC",
        help="package.module:function, path/to/file.py:function, or a built-in such as flood",
    )
    workers.add_argument(
        "--args", action=Once, default="[]", metavar="LITERAL", help="a list, e.g. '[2]'"
    )
    workers.add_argument(
        "--kwargs", action=Once, default="{}", metavar="LITERAL", help="a dict, e.g. '{\"n\": 3}'"
    )
    workers.add_argument("--name", action=Once, help="the process name (default: Process-N)")
    workers.add_argument("--daemon", action="store_true", help="start daemon workers")
    workers.add_argument(
        "--count", action=Once, default="1", metavar="N", help="how many (default: 1)"
    )
    add_keep_options(parser)
    parser.add_argument(
        "--log-file", metavar="PATH", help="append every record received as a JSON line"
    )
    parser.add_argument(
        "--no-tui",
        action="store_true",
        help="no screen: print records, exit when the non-daemon workers end",
    )
    parser.add_argument(
        "--level",
        type=parse_level,
        default=logging.DEBUG,
        metavar="LEVEL",
        help="root logger level in each worker: DEBUG (default), INFO, WARNING, ERROR, CRITICAL",
    )
    parser.add_argument(
        "--sleep",
        type=non_negative_number,
        default=2.0,
        metavar="SECONDS",
        help="how long the built-in sleeper sleeps between 'start' and 'end' (default: 2)",
    )
    add_screen_options(parser)
    parser.add_argument(
        "--grace",
        type=non_negative_number,
        default=3.0,
        metavar="SECONDS",
        help="time between SIGTERM and SIGKILL whenever workers are stopped: T, r, quitting,"
        " a signal to the app (default: 3)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def add_screen_options(parser: argparse.ArgumentParser) -> None:
    """The screen's options, the same for workers and for ``run``."""
    parser.add_argument(
        "--refresh",
        type=positive_number,
        default=1.0,
        metavar="SECONDS",
        help="table refresh interval (default: 1)",
    )
    parser.add_argument(
        "--max-log-lines",
        type=positive_integer,
        default=10_000,
        metavar="N",
        help="lines kept in the log pane (default: 10000)",
    )


def main(argv: Sequence[str] | None = None, app_class: type[MprocApp] | None = None) -> int:
    """The console script. ``app_class`` lets a test run a subclass of the app."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["run"]:
        from mproc_tui.run_cli import run_main

        return run_main(argv[1:], app_class)
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.lesson is not None:
        return _run_lesson(parser, arguments, argv, app_class)
    try:
        plans, start_method = _plan_from(arguments)
    except KeyboardInterrupt:
        return 130
    except PlanError as error:
        parser.error(str(error))
    try:
        log_file = (
            JsonLinesLog(arguments.log_file, on_error=print_error) if arguments.log_file else None
        )
    except OSError as error:
        parser.error(f"cannot open --log-file {arguments.log_file}: {error.strerror or error}")
    if arguments.no_tui:
        from mproc_tui.headless import run_headless

        if not plans:
            parser.error("--no-tui needs workers: --demo, --config PATH or --target SPEC")

        try:
            return run_headless(
                plans,
                start_method,
                arguments.level,
                arguments.grace,
                log_file,
                join_daemons=arguments.demo,
            )
        finally:
            if log_file is not None:
                log_file.close()
    # Imported here so --help and argument errors answer without loading Textual.
    from mproc_tui.ui.app import MprocApp
    from mproc_tui.ui.options import AppOptions

    options = AppOptions(
        start_method=start_method,
        level=arguments.level,
        sleep=arguments.sleep,
        refresh=arguments.refresh,
        max_log_lines=arguments.max_log_lines,
        grace=arguments.grace,
        workers=plans,
        keep=keep_from(arguments),
    )
    try:
        return run_app((app_class or MprocApp)(options, log_file=log_file))
    finally:
        if log_file is not None:
            log_file.close()


def _run_lesson(
    parser: OneLineParser,
    arguments: argparse.Namespace,
    argv: Sequence[str],
    app_class: type[MprocApp] | None,
) -> int:
    """``--lesson NAME``: the lesson's program under ``mproc-tui run``; alone, the list."""
    from mproc_tui.lessons import NAMES, lesson_list, lesson_path
    from mproc_tui.run_cli import run_main

    if not arguments.lesson:
        print(lesson_list())
        return 0
    if arguments.lesson not in NAMES:
        parser.error(f"no lesson {arguments.lesson!r}: choose one of {', '.join(NAMES)}")
    own = ["--no-tui"] if arguments.no_tui else []
    if arguments.start_method:
        own += ["--start-method", arguments.start_method]
    program = [str(lesson_path(arguments.lesson))]
    if any(word == "--sleep" or word.startswith("--sleep=") for word in argv):
        program += ["--sleep", str(arguments.sleep)]  # else the lesson's own pace
    return run_main([*own, "--", *program], app_class)


def print_error(message: str) -> None:
    print(f"mproc-tui: {safe_text(message)}", file=sys.stderr)


def _plan_from(arguments: argparse.Namespace) -> tuple[tuple[WorkerPlan, ...], str]:
    """The workers to start and the start method, checked before anything runs."""
    chosen = [
        flag
        for flag, used in (
            ("--demo", arguments.demo),
            ("--config", arguments.config),
            ("--target", arguments.target is not None),
        )
        if used
    ]
    if arguments.target is not None and not arguments.target.strip():
        raise PlanError("--target is empty: give package.module:function or file.py:function")
    if len(chosen) > 1:
        raise PlanError(f"choose one of {' / '.join(chosen)}")
    stray = [
        flag
        for flag, used in (
            ("--args", arguments.args != "[]"),
            ("--kwargs", arguments.kwargs != "{}"),
            ("--name", arguments.name is not None),
            ("--daemon", arguments.daemon),
            ("--count", arguments.count != "1"),
        )
        if used
    ]
    if stray and not arguments.target:
        raise PlanError(f"{stray[0]} describes a --target worker; give --target SPEC too")
    plans: tuple[WorkerPlan, ...] = ()
    config_method = None
    keep = keep_from(arguments)
    if arguments.demo:
        plans = tuple(
            replace(plan, spec=replace(plan.spec, restart=keep.restart, max_rss=keep.max_rss))
            for plan in lesson_plans(arguments.sleep)
        )
    elif arguments.config:
        launch = load_config(arguments.config, keep)
        plans, config_method = launch.workers, launch.start_method
    elif arguments.target:
        plan = make_plan(
            arguments.target,
            parse_args(arguments.args),
            parse_kwargs(arguments.kwargs),
            arguments.name,
            arguments.daemon,
            parse_count(arguments.count),
            keep=keep,
        )
        plans = (plan,)
    plans = with_sleep(plans, arguments.sleep)
    start_method = arguments.start_method or config_method or "forkserver"
    checked: set[str] = set()
    for plan in plans:
        if plan.spec.target in checked:
            continue
        checked.add(plan.spec.target)
        try:
            check_target(plan.spec.target)
        except TargetError as error:
            where = f"{plan.origin}: " if plan.origin else ""
            raise PlanError(f"{where}{error}") from None
    for plan in plans:
        check_picklable(plan, start_method)
    return plans, start_method


def run_app(app: MprocApp) -> int:
    """Run the app; whatever ends it, stop every worker before returning."""
    try:
        app.run()
    finally:
        app.shut_down_workers(app.options.grace)
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
