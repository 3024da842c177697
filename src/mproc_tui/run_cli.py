"""``mproc-tui run``: watch an existing program, unchanged, as ``python SCRIPT ARGS`` runs it."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mproc_tui.cli import (
    OneLineParser,
    add_screen_options,
    non_negative_number,
    parse_level,
    print_error,
    run_app,
)
from mproc_tui.core.log_file import JsonLinesLog
from mproc_tui.core.program import ProgramCommand
from mproc_tui.core.program_check import ProgramError, check_program
from mproc_tui.core.workers import START_METHODS

if TYPE_CHECKING:
    from mproc_tui.ui.app import MprocApp


def build_run_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="mproc-tui run",
        description="Run a Python program unchanged and watch every process it starts, "
        "with its logging records.",
        usage="mproc-tui run [options] SCRIPT [ARGS...]  |  mproc-tui run [options] -m MODULE "
        "[ARGS...]",
    )
    parser.add_argument(
        "-m", dest="module", metavar="MODULE", help="run a module, as python -m (ends the options)"
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        metavar="PATH",
        help="the interpreter to run it with (default: the one mproc-tui runs under)",
    )
    parser.add_argument(
        "--start-method",
        choices=START_METHODS,
        default=None,
        help="the program's default start method, unless it chooses its own",
    )
    parser.add_argument("--no-tui", action="store_true", help="no screen: the program's own output")
    parser.add_argument("--log-file", metavar="PATH", help="append every record as a JSON line")
    parser.add_argument(
        "--level",
        type=parse_level,
        default=logging.DEBUG,
        metavar="LEVEL",
        help="the lowest level recorded where the program leaves logging unconfigured",
    )
    parser.add_argument(
        "--grace",
        type=non_negative_number,
        default=3.0,
        metavar="SECONDS",
        help="time between SIGTERM and SIGKILL when mproc-tui stops the program (default: 3)",
    )
    add_screen_options(parser)
    return parser


# mproc-tui's own options that take a value: what follows them is not the program yet.
_VALUED = {"--python", "--start-method", "--log-file", "--level", "--grace", "--refresh"}
_VALUED |= {"--max-log-lines"}


def split_command_line(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """mproc-tui's options, then the program: ``-m MODULE ...`` or ``SCRIPT ...``.

    As with ``python``, the first word that is not an option of ours starts the
    program, and everything after it is the program's, options included.
    """
    index = 0
    while index < len(argv):
        word = argv[index]
        if word == "-m" or not word.startswith("-") or word == "--":
            break
        index += 2 if word in _VALUED else 1
    if index < len(argv) and argv[index] == "--":
        return list(argv[:index]), list(argv[index + 1 :])
    if index < len(argv) and argv[index] == "-m":
        return list(argv[: index + 2]), list(argv[index + 2 :])
    return list(argv[:index]), list(argv[index:])


def run_main(argv: Sequence[str], app_class: type[MprocApp] | None = None) -> int:
    parser = build_run_parser()
    own, program = split_command_line(argv)
    arguments = parser.parse_args(own)
    if arguments.module:
        script, args = None, program
    elif program:
        script, args = program[0], program[1:]
    else:
        parser.error("give a SCRIPT to run, or -m MODULE")
    command = ProgramCommand(
        python=arguments.python, script=script, module=arguments.module, args=tuple(args)
    )
    try:
        check_program(command)
    except ProgramError as error:
        parser.error(str(error))
    try:
        log_file = (
            JsonLinesLog(arguments.log_file, on_error=print_error) if arguments.log_file else None
        )
    except OSError as error:
        parser.error(f"cannot open --log-file {arguments.log_file}: {error.strerror or error}")
    try:
        if arguments.no_tui:
            from mproc_tui.headless import run_program_headless

            return run_program_headless(
                command, arguments.level, arguments.grace, arguments.start_method, log_file
            )
        from mproc_tui.ui.app import MprocApp
        from mproc_tui.ui.options import AppOptions

        options = AppOptions(
            start_method=arguments.start_method or "forkserver",
            level=arguments.level,
            refresh=arguments.refresh,
            max_log_lines=arguments.max_log_lines,
            grace=arguments.grace,
            program=command,
            program_start_method=arguments.start_method,
        )
        return run_app((app_class or MprocApp)(options, log_file=log_file))
    finally:
        if log_file is not None:
            log_file.close()
