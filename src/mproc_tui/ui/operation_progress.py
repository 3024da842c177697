"""A long operation's words in the header, reported from the thread that does it."""

from __future__ import annotations

import itertools
from typing import Any

from textual.app import App

from mproc_tui.ui.messages import ProgressChanged


class OperationProgress:
    """One long operation's words in the header, reported from its thread.

    Used as a context manager, so the words go away however the operation ends; a
    ``summary`` set meanwhile is said once, as a toast, at the end. Operations under
    way at once each have their own words (the header joins them).
    """

    _numbers = itertools.count(1)

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._operation = next(self._numbers)
        self.summary: str | None = None

    def show(self, text: str) -> None:
        self._app.post_message(ProgressChanged(self._operation, text))

    def __enter__(self) -> OperationProgress:
        return self

    def __exit__(self, *exception: object) -> None:
        # post_message, never call_from_thread: the app may have exited meanwhile.
        self._app.post_message(ProgressChanged(self._operation, None, self.summary))
