"""Whether the agent loaded in a watched program: its first interpreter says hello.

``python -I``, ``-E`` or ``-S`` (an interpreter wrapper that adds them, say) ignore the
``PYTHONPATH`` or the ``site`` step that loads the agent: the program runs, unwatched
from inside, and without a word the user would see processes without names or records
and not know why. The program's first interpreter alone is asked to say hello
(``HELLO_VARIABLE``; its agent removes it, so children do not inherit it); no hello
within ``HELLO_WAIT`` seconds, or by the time the main process ends, means no agent.
"""

from __future__ import annotations

import threading
import time

from mproc_tui.core.agent_link import AgentLink

HELLO_VARIABLE = "MPROC_TUI_AGENT_HELLO"
HELLO_WAIT = 3.0  # seconds the main process runs before a missing hello is said
AGENT_MISSING = (
    "the agent did not load in the program (python -I, -E or -S ignore PYTHONPATH or site):"
    " names and records of its processes are missing; the table shows its processes from psutil"
)


class AgentHello:
    """Listens for the hello; says why the agent is missing once it is clear it is."""

    def __init__(self, link: AgentLink) -> None:
        self._link = link
        self._heard = threading.Event()
        self._started: float | None = None  # monotonic, when the main process started
        self._ended_turn: int | None = None  # the link's turn when the main process ended

    def started(self) -> None:
        self._started = time.monotonic()

    def heard(self) -> None:
        self._heard.set()

    def main_ended(self) -> None:
        """The hello, if sent, is at the link by now: it is read within a few turns."""
        self._ended_turn = self._link.turns

    @property
    def missing(self) -> str | None:
        """``AGENT_MISSING`` once the hello is overdue; None while it may still come, or came."""
        if self._started is None:
            return None
        if self._ended_turn is not None:
            overdue = self._link.caught_up(self._ended_turn)
        else:
            overdue = time.monotonic() - self._started >= HELLO_WAIT
        return AGENT_MISSING if overdue and not self._heard.is_set() else None  # heard: last
