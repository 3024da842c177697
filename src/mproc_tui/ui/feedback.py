"""Toasts: how the UI tells the user something, from the event loop or any thread.

``App.notify`` posts a message, so these are safe from thread workers. Every text
goes through ``safe_text`` and is never markup: names and messages are data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.dom import DOMNode
from textual.notifications import SeverityLevel

from mproc_tui.core.text import safe_text
from mproc_tui.core.workers import SupervisorError


def warn(node: DOMNode, message: str, timeout: float = 4) -> None:
    """Something the user asked for could not be done, or something they must know."""
    _notify(node, message, "warning", timeout)


def inform(node: DOMNode, message: str, timeout: float = 3) -> None:
    """Something the user asked for is under way or done."""
    _notify(node, message, "information", timeout)


def _notify(node: DOMNode, message: str, severity: SeverityLevel, timeout: float) -> None:
    try:
        app = node.app  # from a thread worker: found through the node's parents
    except RuntimeError:  # NoActiveAppError: removed as the app ended, nobody to tell
        return
    app.notify(safe_text(message), severity=severity, markup=False, timeout=timeout)


@contextmanager
def reporting_errors(node: DOMNode) -> Iterator[None]:
    """A ``SupervisorError`` (a user's request that cannot be done) becomes a warning."""
    try:
        yield
    except SupervisorError as error:
        warn(node, str(error))
