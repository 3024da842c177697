"""Growing a scrollable view without laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> bool:
    """Give ``view`` a new virtual size; lay out the screen only if a scrollbar comes or goes.

    Textual's ``virtual_size`` is a layout reactive: each assignment reflows and
    repaints every widget on the screen. A log pane that grows with every batch of
    records, or a table with every new worker, needs only its scrollbars updated:
    starting 1,000 workers laid out the screen 20 times a second, a third of the
    event loop's time (now twice a second).
    """
    if size == view.virtual_size:
        return False
    if not view.container_size:  # not laid out yet: the first layout sizes it
        view.virtual_size = size
        return True
    shown = (view.show_horizontal_scrollbar, view.show_vertical_scrollbar)
    view.set_reactive(Widget.virtual_size, size)
    view._scroll_update(size)  # the scrollbars' presence, length and position
    if (view.show_horizontal_scrollbar, view.show_vertical_scrollbar) == shown:
        return False
    view.refresh(layout=True)  # the content region changed
    return True
