"""Check a target before anything is spawned, without running user code in the app.

Importing the user's module is the only way to know that it imports and that the
function exists, but import-time code may configure logging, start threads or
print: so the check runs in a short-lived Python process of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from mproc_tui.core.target_reference import TargetError, absolute_reference, load_target

_MARKER = "mproc-tui-check:"
CHECK_TIMEOUT = 20.0
_CHECKER = "from mproc_tui.core.target_check import main; main()"


def check_target(reference: str) -> None:
    """Raise ``TargetError`` with a readable message if the target cannot be called."""
    absolute = absolute_reference(reference)
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from mproc_tui.core.target_check import main; main()",
                absolute,
            ],
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
            stdin=subprocess.DEVNULL,
            cwd=os.getcwd(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TargetError(
            f"checking {reference!r} took over {CHECK_TIMEOUT:g} s (does importing it block?)"
        ) from None
    for line in reversed(result.stdout.splitlines()):
        if line.startswith(_MARKER):
            error = json.loads(line[len(_MARKER) :])
            if error:
                raise TargetError(error)
            return
    raise TargetError(f"checking {reference!r} ended the checker (exit {result.returncode})")


def main() -> None:
    """In the checking process: load the target and report, on one marked line."""
    error: str | None = None
    try:
        load_target(sys.argv[1])
    except TargetError as problem:
        error = str(problem)
    except BaseException as problem:
        error = f"{type(problem).__name__}: {problem}"
    sys.stdout.write(f"\n{_MARKER}{json.dumps(error)}\n")
    sys.stdout.flush()
    os._exit(0)  # no atexit hooks or threads of the user's module
