"""Textual's ``Strip.divide`` without the reference cycle it makes on every drawn line.

The compositor divides each line a widget draws at the cuts where widgets meet. A
line that needs no cut (one piece, its own length) comes back as ``[self]``, and
Textual caches that list in the strip itself: a cycle of about 13 objects per line
drawn, which only Python's cyclic garbage collector can free. Under a log flood the
pane redraws every line ten times a second, so those cycles filled each young
collection, and the collection ran on the listener thread with the GIL held: in
``tests/bench/bench_logs.py`` (30 s), 5 young collections of up to 77 ms of CPU
(up to 246 ms of wall time on two busy cores) became 3 of at most 37 ms.

The replacement returns the same strips; it only leaves the one-piece case out of
the cache. ``tests/ui/test_strip_cycle.py`` checks both, against Textual's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.strip import Strip

_textual_divide = Strip.divide


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    """``Strip.divide``: a strip cut into one piece is itself, and is not cached in itself."""
    cell_length = self.cell_length
    cuts = [cut for cut in cuts if cut <= cell_length]
    if cuts == [cell_length]:
        return [self]
    return _textual_divide(self, cuts)


def stop_strips_caching_themselves() -> None:
    """Install ``_divide`` on Textual's ``Strip`` (once; later calls change nothing)."""
    Strip.divide = _divide  # type: ignore[method-assign]
