"""What importing modules loads, seen in a fresh interpreter (nothing of the test's own)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence


def modules_loaded(imports: Sequence[str], then: Sequence[str] = ()) -> tuple[set[str], set[str]]:
    """The modules loaded once ``imports`` are imported, and those that ``then`` adds."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {list(imports)!r}: importlib.import_module(name)\n"
        "first = set(sys.modules)\n"
        f"for name in {list(then)!r}: importlib.import_module(name)\n"
        "print(json.dumps([sorted(first), sorted(set(sys.modules) - first)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    first, added = json.loads(result.stdout)
    return set(first), set(added)
