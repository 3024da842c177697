"""The footer, where a key that does not fit whole is left out instead of cut in half."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Footer

from mproc_tui.ui.textual_internals import FooterKey


class KeyFooter(Footer):
    """Textual's Footer lets its keys run on under the right-docked ``^p palette``.

    On a narrow terminal that left half a key before it (``j Join s▏^p palette``),
    which reads as a glitch. Here the keys that do not fit whole are hidden, decided
    from their text before they are drawn, so no frame shows a cut key. The bindings
    put ``? Help`` and ``q Quit`` first, so those always stay. Always compact.
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

    def on_resize(self) -> None:
        self._fit_keys()

    async def recompose(self) -> None:
        await super().recompose()
        self._fit_keys()

    def _fit_keys(self) -> None:
        keys = list(self.query_children(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        room = self.size.width - sum(_drawn_width(key) + 1 for key in palette)  # + its border
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
