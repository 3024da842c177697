"""The look every dialog shares: centred, in a bordered box, a bold title, a row of buttons."""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Button

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
    Dialog .dialog {
        max-width: 100%;
        max-height: 100%;
        overflow-y: auto;
    }
    Dialog.-small .dialog {
        padding: 0 1;
    }
    Dialog.-small .dialog-title {
        margin-bottom: 0;
    }
    Dialog.-small .buttons {
        layout: vertical;
        dock: bottom;
        margin: 0;
    }
    Dialog.-small .buttons Button {
        margin: 0;
        min-width: 0;
        width: 100%;
    }
    """

    SMALL = Size(60, 20)  # below either: compact buttons, so every way out stays on screen

    def on_mount(self) -> None:
        self._fit(self.size)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        small = size.width < self.SMALL.width or size.height < self.SMALL.height
        self.set_class(small, "-small")
        for button in self.query(Button):
            button.compact = small
