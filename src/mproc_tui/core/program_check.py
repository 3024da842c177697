"""Checks before ``mproc-tui run`` starts anything: one readable line for each mistake.

A missing script, a directory, a file that is not Python, an interpreter that is not
Python, a module that cannot be found: each is said in a line (the CLI exits 2),
instead of a traceback from the program or, worse, from mproc-tui.
"""

from __future__ import annotations

import os
import subprocess

from mproc_tui.core.program import ProgramCommand

CHECK_TIMEOUT = 20.0


class ProgramError(Exception):
    """The program cannot be run as given; the message is for the user."""


def check_program(command: ProgramCommand) -> None:
    """Raise ``ProgramError`` saying what is wrong with ``command``; nothing runs the program."""
    _check_interpreter(command.python)
    if command.module:
        _check_module(command.python, command.module)
    else:
        _check_script(command.script or "")


def _check_interpreter(python: str) -> None:
    try:
        result = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[0])"],
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise ProgramError(f"--python {python}: no such file") from None
    except PermissionError:
        raise ProgramError(f"--python {python}: not executable") from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ProgramError(f"--python {python}: is not a Python interpreter ({error})") from None
    if result.returncode != 0 or result.stdout.strip() != "3":
        raise ProgramError(f"--python {python}: is not a Python 3 interpreter")


def _check_module(python: str, module: str) -> None:
    """Found without importing it (its import-time code is the program's to run)."""
    finder = (
        "import importlib.util, sys\n"
        "try:\n"
        "    found = importlib.util.find_spec(sys.argv[1]) is not None\n"
        "except (ImportError, ValueError):\n"
        "    found = False\n"
        "sys.exit(0 if found else 3)\n"
    )
    try:
        result = subprocess.run(
            [python, "-c", finder, module],
            capture_output=True,
            timeout=CHECK_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ProgramError(f"-m {module}: could not look for it ({error})") from None
    if result.returncode != 0:
        raise ProgramError(f"-m {module}: no module named {module!r}")


def _check_script(script: str) -> None:
    if not os.path.exists(script):
        raise ProgramError(f"{script}: no such file")
    if os.path.isdir(script) and not os.path.exists(os.path.join(script, "__main__.py")):
        raise ProgramError(f"{script}: is a directory (without a __main__.py)")
    if os.path.isdir(script):
        return
    try:
        with open(script, "rb") as file:
            head = file.read(2 * 1024 * 1024)
    except OSError as error:
        raise ProgramError(f"{script}: cannot be read ({error.strerror or error})") from None
    if b"\0" in head:
        raise ProgramError(f"{script}: is not a Python file (it is binary)")
    if not script.endswith((".py", ".pyw")) and not _looks_like_python(head):
        raise ProgramError(f"{script}: is not a Python file")


def _looks_like_python(head: bytes) -> bool:
    """A script without .py: a Python shebang, or text that compiles (it is not run)."""
    first_line = head.split(b"\n", 1)[0]
    if first_line.startswith(b"#!") and b"python" in first_line:
        return True
    try:
        compile(head.decode("utf-8", "replace"), "<script>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True
