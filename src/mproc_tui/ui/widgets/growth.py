"""A scrolling view that grows without laying out the whole screen, when it can."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def grow(view: ScrollView, size: Size) -> bool:
    """Give ``view`` a new virtual size; lay out the screen only if its scrollbars change.
    True if the screen is to be laid out: the view's scroll range is new only after that.

    Textual's ``virtual_size`` is a layout reactive: each new size lays out and redraws
    every widget on the screen. Starting 1,000 workers, the log pane and the table grew
    105 times, and the layouts and full redraws took 2.4 s of the event loop's CPU:
    the spawner thread waited for the GIL. When the same scrollbars stay, only the
    view's scrollbar lengths change, and it redraws itself. When one comes or goes,
    the view's content area changes, and Textual's own path lays it out.
    """
    if size == view.virtual_size:
        return False
    shown = _scrollbars_shown(view)
    if not view.container_size or _scrollbars(view, size) != shown:
        view.virtual_size = size
        return True
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)  # the scrollbars' lengths and the scroll offsets' bounds
    # Textual's rule has a guard against scrollbars flickering that ours leaves out:
    # should it decide otherwise, the content area changed after all.
    layout = _scrollbars_shown(view) != shown
    view.refresh(layout=layout)
    return layout


def _scrollbars_shown(view: ScrollView) -> tuple[bool, bool]:
    return view.show_horizontal_scrollbar, view.show_vertical_scrollbar


def _scrollbars(view: ScrollView, size: Size) -> tuple[bool, bool]:
    """Which scrollbars ``view`` needs at virtual ``size``: Textual's rule, read-only."""
    styles = view.styles
    width, height = view.container_size
    overflow_x, overflow_y = styles.overflow_x, styles.overflow_y
    horizontal = overflow_x == "scroll" or (overflow_x == "auto" and size.width > width)
    vertical = overflow_y == "scroll" or (overflow_y == "auto" and size.height > height)
    if overflow_x == "auto" and vertical and not horizontal:
        horizontal = size.width > width - styles.scrollbar_size_vertical
    if overflow_y == "auto" and horizontal and not vertical:
        vertical = size.height > height - styles.scrollbar_size_horizontal
    return horizontal, vertical
