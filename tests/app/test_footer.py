"""The footer's right-docked ^p palette key reaches the right edge at every width."""

from __future__ import annotations

import pytest

from mproc_tui.ui.main_screen import MainScreen
from tests.app.helpers import make_app, screen_text, wait_for

# Widths where, before the fix, a letter of the keys beneath showed past "palette"
# ("^p palettee" at 63 and 82, "^p paletteT" at 80, ...), and a sweep around them.
WIDTHS = sorted({43, 57, 60, 63, 64, 70, 80, 82, *range(60, 201, 7)})


@pytest.mark.parametrize("width", WIDTHS)
async def test_the_footer_ends_with_the_palette_key(width: int) -> None:
    app = make_app(refresh=3600)
    async with app.run_test(size=(width, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: screen_text(app).splitlines()[-1].rstrip().endswith("palette"),
            "the footer",
        )
        footer = screen_text(app).splitlines()[-1].rstrip()
        assert footer.endswith("palette"), footer
        assert footer.count("palette") == 1, footer
        if width >= 80:
            assert footer.startswith("? Help") and "q Quit" in footer, footer
        # Only whole keys: what comes before the palette key ends with a key's name.
        keys = footer.rsplit("▏", 1)[0].rstrip()
        shown = [binding.description for binding in MainScreen.BINDINGS if binding.show]
        assert keys.endswith(tuple(shown)), footer
