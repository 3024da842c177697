"""The footer, where a key that does not fit whole is left out instead of cut in half."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from mproc_tui.ui.textual_internals import FooterKey


class KeyFooter(Footer):
    """Textual's Footer lets its keys run on under the right-docked ``^p palette``.

    On a narrow terminal that left half a key before it (``j Join s▏^p palette``),
    which reads as a glitch. Here the keys that do not fit whole are hidden, decided
    from their text before they are drawn, so no frame shows a cut key. The bindings
    put ``? Help`` and ``q Quit`` first, so those always stay. Always compact.

    Its keys are there from the first frame: Textual's Footer composes empty and fills
    in once the screen's bindings are ready, a recompose (20 ms) and a frame later.
    """

    # The compact footer gives every key a one-cell margin on the right, the right-docked
    # ^p palette key too: it then stops one cell short of the edge, and that last cell
    # shows whatever key text lies beneath it ("^p palettee").
    DEFAULT_CSS = """
    KeyFooter.-compact FooterKey.-command-palette {
        margin-right: 0;
    }
    """

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._told = False
        self._recompose_queued = False
        self._shown: tuple[tuple[Binding, bool, str], ...] | None = None

    def compose(self) -> ComposeResult:
        """The screen's keys, known before anything has the focus; those that do not
        fit the terminal's width are hidden before they are ever drawn."""
        self._bindings_ready = True
        self._shown = self._keys_shown()
        widgets = list(super().compose())
        _fit(widgets, self.app.size.width)
        yield from widgets

    def on_mount(self) -> None:  # (Textual runs Footer's own on_mount as well)
        self._tell_keys_shown()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Recompose only when the keys shown would change, once for a burst of changes:
        at start-up three changes came, and each recompose cost 20-25 ms of first frame."""
        self._bindings_ready = True
        here = screen.app.app_focus and self.is_attached and screen is self.screen
        if here and not self._recompose_queued:
            self._recompose_queued = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._recompose_queued = False
        shown = self._keys_shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys_shown(self) -> tuple[tuple[Binding, bool, str], ...]:
        return tuple(
            (binding, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def on_resize(self) -> None:
        _fit(list(self.query_children(FooterKey)), self.size.width)

    class KeysShown(Message):
        """The footer shows its keys: the first frame is whole (see ``MprocApp``)."""

    async def recompose(self) -> None:
        await super().recompose()
        _fit(list(self.query_children(FooterKey)), self.size.width)
        self._tell_keys_shown()

    def _tell_keys_shown(self) -> None:
        if self.children and not self._told:
            self._told = True
            self.call_after_refresh(self.post_message, self.KeysShown())


def _fit(widgets: Sequence[object], width: int) -> None:
    """Show the keys that fit whole in ``width`` cells beside the palette key; hide the rest."""
    keys = [widget for widget in widgets if isinstance(widget, FooterKey)]
    palette = [key for key in keys if key.has_class("-command-palette")]
    room = width - sum(_drawn_width(key) + 1 for key in palette)  # + its border
    used = 0
    fits = True
    for key in keys:
        if key in palette:
            continue
        fits = fits and used + _drawn_width(key) <= room
        key.display = fits
        used += _drawn_width(key) + 1  # the compact footer's margin after each key


def _drawn_width(key: FooterKey) -> int:
    """Cells a key takes in the compact footer: ``k Term``."""
    width = cell_len(key.key_display)
    return width + 1 + cell_len(key.description) if key.description else width
