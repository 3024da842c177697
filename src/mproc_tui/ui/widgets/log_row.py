"""One row of the log pane as a ``Strip``: a formatted line, coloured, cut and padded.

Kept apart from the pane (scrolling, following, keys) because it is the pane's
hot path: under a flood every visible row is drawn anew ten times a second.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from mproc_tui.ui.log_buffer import WrapLayout

_LEVEL_START = 13  # after "HH:MM:SS.mmm "
_LEVEL_STYLES = {
    "DEBUG": "blue",
    "INFO": "green",
    "WARNING": "yellow",
    "ERROR": "bold red",
    "CRITICAL": "bold white on red",
}
_CONTINUATION_STYLE = Style(dim=True)


def style_line(line: str, first_line: bool) -> Text:
    """Colour the level and dim the time of a record's first line; text stays literal."""
    text = Text(line, no_wrap=True, end="")
    if first_line:
        level = line[_LEVEL_START : _LEVEL_START + 8].rstrip()
        style = _LEVEL_STYLES.get(level)
        if style is not None:
            text.stylize("dim", 0, _LEVEL_START - 1)
            text.stylize(style, _LEVEL_START, _LEVEL_START + len(level))
    return text


class RowPainter:
    """Draws rows on one background (the pane's own style, beneath every line's)."""

    def __init__(self, base: Style, console: Console, selection: Style | None = None) -> None:
        self.base = base
        self.selection = selection or Style(reverse=True)
        self._console = console
        self._plain = base + Style()
        self._time = base + Style(dim=True)
        self._levels = {level: base + Style.parse(style) for level, style in _LEVEL_STYLES.items()}

    def row(
        self,
        line: str,
        first_line: bool,
        scroll_x: int,
        width: int,
        highlight: re.Pattern[str] | None = None,
        chosen: bool = False,
        selected: tuple[int, int] | None = None,
    ) -> Strip:
        """A line that is not wrapped, from cell ``scroll_x`` on, ``width`` cells wide."""
        if highlight is None and not chosen and selected is None and line.isascii():
            return self._plain_row(line, first_line, scroll_x, width)
        return self.rich_row(
            line, first_line, scroll_x, width, None, 0, highlight, chosen, selected
        )

    def _plain_row(self, line: str, first_line: bool, scroll_x: int, width: int) -> Strip:
        """The common case in a few slices: one cell a character, no search, no cursor.

        The same strip as ``rich_row`` makes through Rich (``tests/ui/test_log_row.py``
        compares them) in a fifth of the time: 48 us a row became 9.
        """
        plain = self._plain
        spans: list[tuple[int, int, Style]]
        level = line[_LEVEL_START : _LEVEL_START + 8].rstrip() if first_line else ""
        level_style = self._levels.get(level)
        if level_style is None:
            spans = [(0, len(line), plain)]
        else:
            level_end = _LEVEL_START + len(level)
            spans = [
                (0, _LEVEL_START - 1, self._time),
                (_LEVEL_START - 1, _LEVEL_START, plain),
                (_LEVEL_START, level_end, level_style),
                (level_end, len(line), plain),
            ]
        end = scroll_x + width
        segments = [
            Segment(line[max(start, scroll_x) : min(stop, end)], style)
            for start, stop, style in spans
            if max(start, scroll_x) < min(stop, end)
        ]
        shown = max(0, min(len(line), end) - scroll_x)
        if shown < width:
            segments.append(Segment(" " * (width - shown), self.base))
        return Strip(segments, width)

    def rich_row(
        self,
        line: str,
        first_line: bool,
        scroll_x: int,
        width: int,
        wrap: WrapLayout | None,
        chunk: int,
        highlight: re.Pattern[str] | None = None,
        chosen: bool = False,
        selected: tuple[int, int] | None = None,
    ) -> Strip:
        """Any row, through Rich: row ``chunk`` of a wrapped line, a match, the cursor,
        the characters ``selected`` (start, end; -1 the line's end) by the mouse."""
        base = self.base
        text = style_line(line, first_line)
        if highlight is not None:
            text.highlight_regex(highlight, "black on yellow")
        if chosen:
            text.stylize("reverse")
        if selected is not None:
            start, end = selected
            text.stylize(self.selection, start, len(line) if end == -1 else end)
        segments = list(text.render(self._console))
        if wrap is not None:
            segments = _cells(segments, *wrap.span(chunk))
            if chunk and wrap.indent >= 2:
                marker = [Segment(" " * (wrap.indent - 2)), Segment("↳ ", _CONTINUATION_STYLE)]
                segments = [*marker, *segments]
            elif chunk:
                segments = [Segment(" " * wrap.indent), *segments]
        row = Segment.adjust_line_length(_cells(segments, scroll_x, scroll_x + width), width, base)
        # The widget's style goes beneath the line's own (level colours stay on top).
        return Strip(Segment.apply_style(row, base), width)


def _cells(segments: list[Segment], start: int, end: int) -> list[Segment]:
    """The segments that fall in cells ``start`` to ``end`` of a line."""
    parts = list(Segment.divide(segments, [start, end]))
    return parts[1] if len(parts) > 1 else []
