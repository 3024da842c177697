"""What importing modules loads, seen in a fresh interpreter (nothing of the test's own)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence


def modules_loaded(
    imports: Sequence[str], then: Sequence[str] = (), main_path: str | None = None
) -> tuple[set[str], set[str]]:
    """The modules loaded once ``imports`` are imported (and ``main_path`` run as the fork
    server runs a main script, as ``__mp_main__``), and those that ``then`` adds."""
    script = (
        "import importlib, json, runpy, sys\n"
        f"for name in {list(imports)!r}: importlib.import_module(name)\n"
        f"if {main_path!r}: runpy.run_path({main_path!r}, run_name='__mp_main__')\n"
        "first = set(sys.modules)\n"
        f"for name in {list(then)!r}: importlib.import_module(name)\n"
        "print(json.dumps([sorted(first), sorted(set(sys.modules) - first)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    first, added = json.loads(result.stdout)
    return set(first), set(added)
