"""The lessons: small programs in the first lesson's style, one tool of multiprocessing each.

Each is an ordinary script (``python lock_lesson.py --sleep 0.5``); ``mproc-tui
--lesson lock`` runs it under ``mproc-tui run``, so every process and record of it shows.
"""

from __future__ import annotations

import ast
from pathlib import Path

HERE = Path(__file__).parent
NAMES = (
    "process",
    "daemon",
    "lock",
    "rlock",
    "semaphore",
    "event",
    "condition",
    "barrier",
    "queue",
    "pipe",
    "value",
    "array",
    "manager",
)


def lesson_path(name: str) -> Path:
    """The lesson's file (``lock`` -> ``lock_lesson.py``: never the name of a module it imports)."""
    return HERE / f"{name}_lesson.py"


def summary(name: str) -> str:
    """The first line of the lesson's docstring: what it shows."""
    tree = ast.parse(lesson_path(name).read_text(encoding="utf-8"))
    return (ast.get_docstring(tree) or "").partition("\n")[0]


def lesson_list() -> str:
    """Every lesson with its line, for ``--lesson`` alone."""
    width = max(map(len, NAMES))
    lines = [f"  {name:<{width}}  {summary(name)}" for name in NAMES]
    return "\n".join(["The lessons (mproc-tui --lesson NAME [--sleep SECONDS]):", *lines])
