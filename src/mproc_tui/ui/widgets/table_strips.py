"""The worker table's header and rows as strips: cells fitted to their columns, styled."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from mproc_tui.ui.columns import COLUMNS, Cells, fit
from mproc_tui.ui.table_layout import PADDING

Widths = Sequence[tuple[int, int]]  # (column index, width) of each shown column


@lru_cache(maxsize=64)
def _style(name: str) -> Style:
    return Style.parse(name)


def header_strip(
    widths: Widths, labels: Sequence[str], sort_key: str, header: Style, sorted_style: Style
) -> Strip:
    """The header: each label in its column, the sorted column's in ``sorted_style``."""
    segments = []
    for (index, width), label in zip(widths, labels, strict=True):
        _, text, after = fit(label, width, right=False)
        style = sorted_style if COLUMNS[index].key == sort_key else header
        segments.append(Segment(" " * PADDING, header))
        segments.append(Segment(text, style))
        segments.append(Segment(after + " " * PADDING, header))
    return Strip(segments)


def row_strip(
    widths: Widths, cells: Cells, base: Style, cursor: Style | None, marked: bool
) -> Strip:
    """A row: each cell fitted to its column; a badge (a cell's own style) covers its text,
    not the cell; the cursor's style over everything."""
    plain = base + cursor if cursor else base
    segments: list[Segment] = []
    for index, width in widths:
        column, cell = COLUMNS[index], cells[index]
        style = base + _style(cell.style) if cell.style else base
        if cursor is not None:
            style += cursor
        before, text, after = fit(cell.text, width, column.right)
        # A marked row's first cell starts with a mark (a colour alone is not enough).
        lead = "*" if marked and not segments else " " * PADDING
        segments.append(Segment(lead + before, plain))
        segments.append(Segment(text, style))
        segments.append(Segment(after + " " * PADDING, plain))
    return Strip(segments)
