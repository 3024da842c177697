"""Check a target before anything is spawned, without running user code in the app.

Importing the user's module is the only way to know that it imports and that the
function exists, but import-time code may configure logging, start threads or
processes, or print: so the check runs in a short-lived Python process of its own,
in its own session, with the same import path a worker gets (see bootstrap).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile

from mproc_tui.core.target_reference import TargetError, absolute_reference, load_target

CHECK_TIMEOUT = 20.0
OWN_TARGETS = "mproc_tui.catalog:"  # the built-ins: checked here, not in a process
_CHECKER = "from mproc_tui.core.target_check import main; main()"


def check_target(reference: str) -> None:
    """Raise ``TargetError`` with a readable message if the target cannot be called."""
    absolute = absolute_reference(reference)
    if absolute.startswith(OWN_TARGETS):
        load_target(absolute)  # our own module: nothing of the user's runs (and 60 ms saved)
        return
    with tempfile.NamedTemporaryFile("r", suffix=".json", encoding="utf-8") as verdict:
        try:
            # The verdict comes back in a file, not on stdout: a process the module
            # starts at import time may hold stdout open long after the checker ends.
            checker = subprocess.Popen(
                [sys.executable, "-P", "-c", _CHECKER, absolute, verdict.name],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            raise TargetError(f"cannot check {reference!r}: {error}") from None
        try:
            checker.wait(CHECK_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise TargetError(
                f"checking {reference!r} took over {CHECK_TIMEOUT:g} s (does importing it block?)"
            ) from None
        finally:
            # Whatever the import started dies with the checker's session.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(checker.pid, signal.SIGKILL)
            checker.wait()
        text = verdict.read()
    if not text:
        raise TargetError(f"checking {reference!r} ended the checker (exit {checker.returncode})")
    problem = json.loads(text)
    if problem:
        raise TargetError(problem)


def main() -> None:
    """In the checking process: load the target and write the verdict."""
    target, verdict = sys.argv[1], sys.argv[2]
    error: str | None = None
    try:
        sys.path.insert(0, os.getcwd())  # as in every worker
        load_target(target)
    except TargetError as problem:
        error = str(problem)
    except BaseException as problem:
        error = f"{type(problem).__name__}: {problem}"
    with open(verdict, "w", encoding="utf-8") as file:
        json.dump(error, file)
    os._exit(0)  # no atexit hooks or threads of the user's module
