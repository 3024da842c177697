"""``o``: the shown log lines in the user's own pager, the app suspended meanwhile."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import tempfile

from textual.app import App, SuspendNotSupported

from mproc_tui.ui.feedback import warn


def pager_command(environ: dict[str, str] | None = None) -> list[str] | str:
    """``$PAGER`` split as a shell would, else ``less``; or why there is none."""
    environ = dict(os.environ) if environ is None else environ
    chosen = environ.get("PAGER", "").strip()
    try:
        command = shlex.split(chosen)
    except ValueError as error:  # an unbalanced quote: not a command
        return f"$PAGER is not a command ({error}): {chosen}"
    if not command:
        return ["less"] if shutil.which("less") else "No pager: set $PAGER, or install less."
    if not shutil.which(command[0]):
        return f"The pager in $PAGER was not found: {command[0]}"
    return command


def run_in_foreground(argv: list[str]) -> int:
    """Run a program with the terminal to itself: in a process group of its own, made the
    terminal's foreground group, so Ctrl+C in the pager reaches the pager alone, never
    the app and its workers (which share the app's group). Without a controlling
    terminal, simply run it."""
    try:
        terminal = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return subprocess.run(argv, check=False).returncode
    ignored = signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # to take the terminal back
    try:
        before = os.tcgetpgrp(terminal)  # the app's job: the shell made it the foreground
    except OSError:
        before = os.getpgrp()
    try:
        child = subprocess.Popen(argv, process_group=0)
        with contextlib.suppress(OSError):
            os.tcsetpgrp(terminal, child.pid)
            os.killpg(child.pid, signal.SIGCONT)  # if it stopped, reading before it was given
        return child.wait()
    finally:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(terminal, before)
        signal.signal(signal.SIGTTOU, ignored)
        os.close(terminal)


def show_in_pager(app: App[object], lines: list[str]) -> None:
    """Write the lines to a private file, run the pager on it in the terminal, come back."""
    command = pager_command()
    if isinstance(command, str):
        warn(app, command)
        return
    descriptor, path = tempfile.mkstemp(prefix="mproc-tui-", suffix=".log", text=True)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write("".join(line + "\n" for line in lines))
        try:
            with app.suspend():
                returncode = run_in_foreground([*command, path])
        except SuspendNotSupported:
            warn(app, "This terminal cannot hand the screen to a pager.")
            return
        except OSError as error:
            warn(app, f"The pager did not start: {error}")
            return
        if returncode:
            warn(app, f"The pager {command[0]!r} ended with exit code {returncode}.")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
