"""The agent: loaded in every interpreter of a program that ``mproc-tui run`` watches.

Its files are copied into a private (0700) directory put first on the program's
``PYTHONPATH``: ``sitecustomize.py`` loads ``mproc_tui_agent.py`` (what to watch),
which sends through ``mproc_tui_agent_stream.py`` (how it reaches mproc-tui). Standard
library only: the program may run on another interpreter, in a venv without
mproc-tui. Nothing here is imported by mproc-tui itself.
"""

from __future__ import annotations

from pathlib import Path

AGENT_FILES = (
    "sitecustomize.py",
    "mproc_tui_agent.py",
    "mproc_tui_agent_stream.py",
    "mproc_tui_agent_sync.py",
    "mproc_tui_agent_values.py",
    "mproc_tui_agent_links.py",
)
AGENT_DIRECTORY = Path(__file__).parent
