"""The log pane's text as the mouse selects it: rows numbered as the pane draws them."""

from __future__ import annotations

from textual.selection import Selection

from mproc_tui.ui.log_buffer import LogBuffer


class SelectableRows:
    """What a drag across the pane selects, as text (Ctrl+C or y copies it).

    Rows are numbered from the first line ever shown (``LogBuffer.first_row``), as
    ``LogPane.render_line`` marks them, so a selection stays on its text while the
    oldest lines drop off the front.
    """

    buffer: LogBuffer

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, as the rows show it (rows numbered as ``render_line`` does)."""
        buffer = self.buffer
        first = buffer.first_row
        start = 0 if selection.start is None else max(0, selection.start.y - first)
        end = buffer.row_count - 1 if selection.end is None else selection.end.y - first
        end = min(end, buffer.row_count - 1)
        if end < start:
            return None
        texts = [self.row_text(row) for row in range(start, end + 1)]
        gone = selection.start is not None and selection.start.y < first  # dropped off
        shifted = Selection(
            None if selection.start is None or gone else selection.start - (0, first + start),
            None if selection.end is None else selection.end - (0, first + start),
        )
        return shifted.extract("\n".join(texts)), "\n"

    def row_text(self, row: int) -> str:
        """Row ``row``'s text as shown: a line, or the part of it a wrapped row holds."""
        buffer = self.buffer
        index, chunk = buffer.line_at(row)
        line = buffer.text(index)
        if buffer.wrap is None:
            return line
        start, end = buffer.wrap.span(chunk)
        return " " * buffer.wrap.indent * (chunk > 0) + line[start:end]

    def selection_updated(self, selection: Selection | None) -> None:
        self.redraw_rows()

    def redraw_rows(self) -> None:
        """Draw every row anew: the pane's own (it drops what it kept drawn)."""
        raise NotImplementedError
