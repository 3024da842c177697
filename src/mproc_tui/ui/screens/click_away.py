"""Modal dialogs that a click on the dimmed backdrop closes, as Esc does."""

from __future__ import annotations

from typing import TypeVar

from textual import events

from mproc_tui.ui.screens.dialog import Dialog

ResultType = TypeVar("ResultType")


class ClickAwayModal(Dialog[ResultType | None]):
    """The mouse's way out of a dialog: help and a record's detail have no Cancel button.

    Not for the spawn form, where a stray click would throw away what was typed.
    """

    def on_click(self, event: events.Click) -> None:
        if event.widget is self:  # the backdrop, outside the dialog's box
            event.stop()
            self.dismiss(None)
