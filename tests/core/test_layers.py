"""The core and the UI's pure models import no Textual: they run and test without a screen."""

from __future__ import annotations

import pkgutil

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
