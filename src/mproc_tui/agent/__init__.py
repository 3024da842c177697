"""The agent: loaded in every interpreter of a program that ``mproc-tui run`` watches.

Its files are copied into a private (0700) directory put first on the program's
``PYTHONPATH``: ``sitecustomize.py`` loads ``mproc_tui_agent.py`` (what to watch),
which sends through ``mproc_tui_agent_stream.py`` (how it reaches mproc-tui). Standard
library only: the program may run on another interpreter, in a venv without
mproc-tui. Nothing here is imported by mproc-tui itself.
"""

from __future__ import annotations

import os

AGENT_FILES = (
    "sitecustomize.py",
    "mproc_tui_agent.py",
    "mproc_tui_agent_stream.py",
    "mproc_tui_agent_sync.py",
    "mproc_tui_agent_values.py",
    "mproc_tui_agent_links.py",
)
# A plain path, not pathlib's: the fork server imports this package for every worker
# (the sync agent), and pathlib took 3 ms of its start.
AGENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))
