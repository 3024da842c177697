"""The worker table's keys: those its screen lends (they work from anywhere) and its own."""

from __future__ import annotations

from textual.binding import Binding

# The table's keys, which work wherever the focus is: its screen lends them (ui/keys.py).
TABLE_SCREEN_KEYS: list[Binding] = [
    Binding("t", "toggle_tree", "Tree", tooltip="Show each worker's child processes"),
    Binding(
        "space",
        "toggle_mark",
        "Mark",
        show=False,
        key_display="Space",
        tooltip="Mark the selected worker (or unmark it), then go to the next row; "
        "l shows the marked ones' lines",
    ),
    Binding("U", "unmark_all", "Unmark", show=False, tooltip="Unmark every worker"),
    Binding(
        "C",
        "choose_columns",
        "Columns",
        show=False,
        tooltip="Choose the table's columns; remembered",
    ),
    Binding(
        "less_than_sign",
        "move_sort(-1)",
        "Sort ←",
        show=False,
        key_display="<",
        tooltip="Sort by the column to the left",
    ),
    Binding(
        "greater_than_sign",
        "move_sort(1)",
        "Sort →",
        show=False,
        key_display=">",
        tooltip="Sort by the column to the right",
    ),
    Binding("i", "invert_sort", "Invert", show=False, tooltip="Invert the sort order"),
    Binding(
        "plus,equals_sign",
        "resize(1)",
        "Taller",
        show=False,
        key_display="+",
        tooltip="Taller (the log pane shorter); remembered",
    ),
    Binding(
        "minus",
        "resize(-1)",
        "Shorter",
        show=False,
        key_display="-",
        tooltip="Shorter (the log pane taller); remembered",
    ),
]
# Keys for when the table has the focus.
TABLE_KEYS: list[Binding] = [
    Binding("up", "move_cursor(-1)", "Up", show=False),
    Binding("down", "move_cursor(1)", "Down", show=False),
    Binding("pageup", "page(-1)", "Page up", show=False),
    Binding("pagedown", "page(1)", "Page down", show=False),
    Binding("home", "move_cursor(-1_000_000)", "First", show=False),
    Binding("end", "move_cursor(1_000_000)", "Last", show=False),
]
