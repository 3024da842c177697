"""Command line: parse options, run the app, and make sure no worker outlives it."""

from __future__ import annotations

import argparse
import logging
import math
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, TypeVar

from mproc_tui import __version__
from mproc_tui.core.supervisor import START_METHODS

if TYPE_CHECKING:
    from mproc_tui.ui.app import MprocApp

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
Number = TypeVar("Number", int, float)


class OneLineParser(argparse.ArgumentParser):
    """Bad input gets one readable line and exit status 2, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _checked(
    convert: Callable[[str], Number], noun: str, accept: Callable[[Number], bool], rule: str
) -> Callable[[str], Number]:
    """An argparse type: convert, then check; both failures read as one plain sentence."""

    def parse(text: str) -> Number:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"{text!r} {rule}")
        return value

    return parse


_positive_number = _checked(
    float, "a number", lambda v: 0 < v < math.inf, "must be a finite number greater than 0"
)
_non_negative_number = _checked(
    float, "a number", lambda v: 0 <= v < math.inf, "must be a finite number, not negative"
)
_positive_integer = _checked(int, "a whole number", lambda v: v >= 1, "must be at least 1")


def _level(text: str) -> int:
    name = text.upper()
    if name not in LEVELS:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(LEVELS)}")
    return int(getattr(logging, name))


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="mproc-tui",
        description="Watch and steer Python multiprocessing workers: live table, live logs.",
    )
    parser.add_argument(
        "--demo", action="store_true", help="replay the lesson: Process-1 and 'renamed worker'"
    )
    parser.add_argument(
        "--start-method",
        choices=START_METHODS,
        default="forkserver",
        help="how workers start (default: forkserver; forking a threaded app is unsafe)",
    )
    parser.add_argument(
        "--level",
        type=_level,
        default=logging.DEBUG,
        metavar="LEVEL",
        help="root logger level in each worker: DEBUG (default), INFO, WARNING, ERROR, CRITICAL",
    )
    parser.add_argument(
        "--sleep",
        type=_non_negative_number,
        default=2.0,
        metavar="SECONDS",
        help="how long the built-in sleeper sleeps between 'start' and 'end' (default: 2)",
    )
    parser.add_argument(
        "--refresh",
        type=_positive_number,
        default=1.0,
        metavar="SECONDS",
        help="table refresh interval (default: 1)",
    )
    parser.add_argument(
        "--max-log-lines",
        type=_positive_integer,
        default=10_000,
        metavar="N",
        help="lines kept in the log pane (default: 10000)",
    )
    parser.add_argument(
        "--grace",
        type=_non_negative_number,
        default=3.0,
        metavar="SECONDS",
        help="time between SIGTERM and SIGKILL when terminating on quit (default: 3)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    # Imported here so --help and argument errors answer without loading Textual.
    from mproc_tui.ui.app import MprocApp
    from mproc_tui.ui.options import AppOptions

    options = AppOptions(
        start_method=arguments.start_method,
        level=arguments.level,
        sleep=arguments.sleep,
        refresh=arguments.refresh,
        max_log_lines=arguments.max_log_lines,
        grace=arguments.grace,
        demo=arguments.demo,
    )
    return run_app(MprocApp(options))


def run_app(app: MprocApp) -> int:
    """Run the app; whatever ends it, stop every worker before returning."""
    try:
        app.run()
    finally:
        app.supervisor.shutdown(app.options.grace)
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
