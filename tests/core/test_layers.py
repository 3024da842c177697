"""The core and the UI's pure models import no Textual: they run and test without a screen."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import mproc_tui.core
from tests.support.imports import modules_loaded

PURE_UI = ("mproc_tui.ui.log_buffer", "mproc_tui.ui.columns", "mproc_tui.ui.wording")


def test_no_core_module_or_pure_ui_model_imports_textual() -> None:
    core = [
        f"mproc_tui.core.{module.name}" for module in pkgutil.iter_modules(mproc_tui.core.__path__)
    ]
    loaded, _ = modules_loaded([*core, *PURE_UI, "mproc_tui.headless"])
    assert sorted(m for m in loaded if m.split(".")[0] == "textual") == []
    assert len(core) > 20  # every core module was imported, not none


MACHINERY = ("psutil", "multiprocessing", "mproc_tui.core.supervisor", "mproc_tui.core.sampler")


def test_the_first_frame_waits_for_no_process_machinery() -> None:
    """The command and its app, made, load none of the process machinery (a third of
    the imports before the first frame); the supervisor, asked for, loads it."""
    script = (
        "import json, sys\n"
        "import mproc_tui.cli\n"
        "from mproc_tui.ui.app import MprocApp\n"
        "app = MprocApp()\n"
        "before = set(sys.modules)\n"
        "app.supervisor.start_method\n"
        "print(json.dumps([sorted(before), sorted(sys.modules)]))\n"
        "app.shut_down_workers(1.0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    before, after = map(set, json.loads(result.stdout))
    assert sorted(before & set(MACHINERY)) == []
    assert set(MACHINERY) <= after
