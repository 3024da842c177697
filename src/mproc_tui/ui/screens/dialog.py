"""The look every dialog shares: centred, in a bordered box, a bold title, a row of buttons."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal screen whose box has the class ``dialog`` (its title ``dialog-title``,
    its buttons' row ``buttons``); each dialog adds its own size and colours."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog .dialog {
        height: auto;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    Dialog .dialog-title {
        text-style: bold;
        margin-bottom: 1;
    }
    Dialog .buttons {
        height: auto;
        align: center middle;
    }
    Dialog .buttons Button {
        margin: 0 1;
    }
    """
