"""The log pane's fast rows are the rows Rich draws, cell for cell and style for style."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.style import Style

from mproc_tui.ui.widgets.log_row import RowPainter

BASE = Style(color="white", bgcolor="grey11")
PAINTER = RowPainter(BASE, Console(width=200))

LINES = [
    ("12:50:14.890 DEBUG    Process-1: start", True),
    ("12:50:14.890 INFO     renamed worker: a message [@click=app.quit]x[/]", True),
    ("12:50:14.890 WARNING  w: careful", True),
    ("12:50:14.890 ERROR    e: failed", True),
    ("12:50:14.890 CRITICAL c: down", True),
    ("12:50:14.890 Level 5  p: a level of its own", True),
    ("                      Traceback (most recent call last):", False),
    ("", True),
    ("12:50:14.890 DEBUG    x", True),
]


@pytest.mark.parametrize(("line", "first_line"), LINES)
@pytest.mark.parametrize(
    ("scroll_x", "width"), [(0, 80), (0, 10), (5, 30), (12, 3), (30, 5), (90, 8)]
)
def test_a_plain_row_is_the_row_rich_draws(
    line: str, first_line: bool, scroll_x: int, width: int
) -> None:
    fast = PAINTER.row(line, first_line, scroll_x, width)
    rich = PAINTER.rich_row(line, first_line, scroll_x, width, None, 0)
    assert fast.cell_length == rich.cell_length == width
    assert fast.text == rich.text

    def styles(strip: object) -> list[Style | None]:
        return [segment.style for segment in strip for _ in segment.text]  # type: ignore[attr-defined]

    assert styles(fast) == styles(rich)


def test_wide_characters_a_match_and_the_cursor_go_through_rich() -> None:
    line = "12:50:14.890 INFO     p: 日本語 start"
    assert PAINTER.row(line, True, 0, 40).cell_length == 40
    matched = PAINTER.row(line, True, 0, 40, highlight="start")
    assert Style.parse("black on yellow").bgcolor in {s.style.bgcolor for s in matched if s.style}
    chosen = PAINTER.row("12:50:14.890 INFO     p: x", True, 0, 40, chosen=True)
    assert any(segment.style and segment.style.reverse for segment in chosen)
