"""mproc-tui's ``sitecustomize``: load the agent, then whatever ``sitecustomize`` this shadows.

Python imports one ``sitecustomize`` at start-up, the first on ``sys.path``; this one
is first on the watched program's ``PYTHONPATH``, so it loads the one it hides too
(Debian's system Python ships its own).
"""

from __future__ import annotations

import os
import sys


def _load_shadowed() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    if not any(_holds_sitecustomize(entry) for entry in rest):
        return  # the usual case: importlib.util alone costs 3-4 ms of every start-up
    import importlib.machinery
    import importlib.util

    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


def _holds_sitecustomize(entry: str) -> bool:
    """A ``sitecustomize`` module or package in a ``sys.path`` directory (or a zip: let
    the import system look)."""
    import _imp

    base = os.path.join(entry or os.curdir, "sitecustomize")
    if not os.path.isdir(entry or os.curdir):
        return os.path.exists(entry)  # a zip file on the path
    names = [".py", ".pyc", *_imp.extension_suffixes()]
    return os.path.isdir(base) or any(os.path.exists(base + suffix) for suffix in names)


if os.environ.get("MPROC_TUI_AGENT_SOCKET"):
    try:
        import mproc_tui_agent  # type: ignore[import-not-found]  # beside this file, in the program

        mproc_tui_agent.install()
    except Exception as error:  # the program must run whatever happens to the agent
        sys.stderr.write(f"mproc-tui: the agent did not load: {error!r}\n")
try:
    _load_shadowed()
except Exception as error:
    sys.stderr.write(f"mproc-tui: the program's own sitecustomize failed: {error!r}\n")
