"""The core and the UI's pure models import no Textual: they run and test without a screen."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import mproc_tui.core

PURE_UI = ("mproc_tui.ui.log_buffer", "mproc_tui.ui.columns", "mproc_tui.ui.wording")


def test_no_core_module_or_pure_ui_model_imports_textual() -> None:
    core = [
        f"mproc_tui.core.{module.name}" for module in pkgutil.iter_modules(mproc_tui.core.__path__)
    ]
    modules = [*core, *PURE_UI, "mproc_tui.headless"]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout
    assert len(core) > 20  # every core module was imported, not none
