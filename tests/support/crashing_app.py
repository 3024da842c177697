"""The real app with one extra key, ``x``, whose action raises: an unhandled exception."""

from __future__ import annotations

import sys

from textual.binding import Binding

from mproc_tui.cli import main, run_app
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions


class CrashingApp(MprocApp):
    BINDINGS = [*MprocApp.BINDINGS, Binding("x", "crash", "Crash")]

    def action_crash(self) -> None:
        raise RuntimeError("an unhandled exception inside the app")


if __name__ == "__main__":
    if len(sys.argv) > 1:  # the app's own options, as the console script takes them
        sys.exit(main(sys.argv[1:], app_class=CrashingApp))
    sys.exit(run_app(CrashingApp(AppOptions(sleep=60.0, grace=1.0))))
