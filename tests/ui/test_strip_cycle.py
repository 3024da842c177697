"""Strips cut into one piece are not cached in themselves, and cut the same as Textual cuts."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from mproc_tui.ui.strip_cycle import _textual_divide, stop_strips_caching_themselves

BOLD = Style(bold=True)


def sample_strip() -> Strip:
    return Strip([Segment("12:00 ", BOLD), Segment("DEBUG", Style(color="blue")), Segment(" hi")])


def cyclic_strips(action: object) -> int:
    """Strips that only the cyclic garbage collector frees after ``action`` ran."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        action()  # type: ignore[operator]
        gc.collect()
        return sum(type(thing) is Strip for thing in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    stop_strips_caching_themselves()
    yield


def test_a_strip_cut_into_one_piece_leaves_no_cycle() -> None:
    def cut_whole() -> None:
        strip = sample_strip()
        assert strip.divide([strip.cell_length]) == [strip]
        assert strip.divide([strip.cell_length, strip.cell_length + 5])[0] is strip

    assert cyclic_strips(cut_whole) == 0


def test_textuals_own_divide_does_leave_one() -> None:
    """The mend is needed: without it, the same cut is a cycle."""

    def cut_whole() -> None:
        strip = sample_strip()
        _textual_divide(strip, [strip.cell_length])

    assert cyclic_strips(cut_whole) == 1


@pytest.mark.parametrize(
    "cuts", [[14], [3, 14], [6, 11, 14], [0, 14], [5, 40], [20], [], [1, 2, 3, 4]]
)
def test_cuts_are_those_of_textual(cuts: list[int]) -> None:
    ours = sample_strip().divide(cuts)
    theirs = _textual_divide(sample_strip(), cuts)
    assert [(piece.cell_length, list(piece)) for piece in ours] == [
        (piece.cell_length, list(piece)) for piece in theirs
    ]
