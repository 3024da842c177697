"""The footer, where a key that does not fit whole is left out instead of cut in half."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's Footer lets its keys run on under the right-docked ``^p palette``.

    On a narrow terminal that left half a key before it (``j Join s▏^p palette``),
    which reads as a glitch. Here the keys that do not fit whole are hidden; the
    bindings put ``? Help`` and ``q Quit`` first, so those always stay.
    """

    def on_resize(self) -> None:
        self._fit_keys_soon()

    async def recompose(self) -> None:
        await super().recompose()
        self._fit_keys_soon()

    def _fit_keys_soon(self) -> None:
        keys = self._keys()
        for key in keys:
            key.display = True  # measure each at its natural width first
        self.call_after_refresh(self._fit_keys)

    def _keys(self) -> list[FooterKey]:
        return [key for key in self.query_children(FooterKey) if not _is_palette_key(key)]

    def _fit_keys(self) -> None:
        palettes = [key for key in self.query_children(FooterKey) if _is_palette_key(key)]
        edge = palettes[0].region.x if palettes else self.region.right
        for key in self._keys():
            if key.region.right > edge:
                key.display = False


def _is_palette_key(key: FooterKey) -> bool:
    return key.has_class("-command-palette")
