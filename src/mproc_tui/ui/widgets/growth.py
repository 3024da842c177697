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
    the view's content area changes, and the screen is laid out as Textual would.
    """
    if size == view.virtual_size:
        return False
    if not view.container_size:  # not laid out yet: the first layout sizes it
        view.virtual_size = size
        return True
    shown = view.show_horizontal_scrollbar, view.show_vertical_scrollbar
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)  # which scrollbars show, their lengths, the scroll bounds
    layout = (view.show_horizontal_scrollbar, view.show_vertical_scrollbar) != shown
    view.refresh(layout=layout)
    return layout
