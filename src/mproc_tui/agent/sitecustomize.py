"""mproc-tui's ``sitecustomize``: load the agent, then whatever ``sitecustomize`` this shadows.

Python imports one ``sitecustomize`` at start-up, the first on ``sys.path``; this one
is first on the watched program's ``PYTHONPATH``, so it loads the one it hides too
(Debian's system Python ships its own).
"""

from __future__ import annotations

import os
import sys


def _load_shadowed() -> None:
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


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
