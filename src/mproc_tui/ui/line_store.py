"""The log pane's lines, kept in the batches they arrived in: plain data, no Textual."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from mproc_tui.core.records import Record

Line = tuple[Record, int]  # a record and which of its display lines this is


class LineStore:
    """The newest ``max_lines`` display lines, oldest first, like a ``deque`` with a maxlen.

    Guarantee: a batch of one-line records (``add_records``) is kept as one list,
    with no object made per record; lines drop off the front a batch at a time. Under
    a flood the event loop took 8.8 ms of CPU a batch (7,000 records) to add them one
    by one, each as a new pair. A line is found by bisection over the batches' starts.
    """

    _JOIN = 512  # a batch smaller than this joins the one before (a trickle of records)

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self._batches: list[list[Any]] = []
        self._whole: list[bool] = []  # True: the batch's items are records, each its line 0
        self._starts: list[int] = []  # the number of each batch's first line
        self._first = 0  # the oldest batch still kept
        self._head = 0  # the number of the oldest line kept
        self._end = 0  # the number the next line gets

    def __len__(self) -> int:
        return self._end - self._head

    def __getitem__(self, index: int) -> Line:
        size = self._end - self._head
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(f"line {index} of {size}")
        number = self._head + index
        batch = bisect_right(self._starts, number, self._first) - 1
        item = self._batches[batch][number - self._starts[batch]]
        return (item, 0) if self._whole[batch] else item

    def __iter__(self) -> Iterator[Line]:
        for batch in range(self._first, len(self._batches)):
            items = islice(self._batches[batch], max(0, self._head - self._starts[batch]), None)
            if self._whole[batch]:
                for record in items:
                    yield (record, 0)
            else:
                yield from items

    def add_records(self, records: Sequence[Record]) -> None:
        """Records of one line each; the store keeps its own copy of the list."""
        self._add(records, whole=True)

    def add_lines(self, lines: Sequence[Line]) -> None:
        self._add(lines, whole=False)

    def _add(self, items: Sequence[Any], whole: bool) -> None:
        if not items:
            return
        skipped = max(0, len(items) - self.max_lines)  # they would drop off at once
        kept = list(islice(items, skipped, None))
        self._end += skipped
        last = len(self._batches) - 1
        if (
            not skipped  # (lines skipped leave a gap: a batch of its own)
            and last >= self._first
            and self._whole[last] == whole
            and len(self._batches[last]) < self._JOIN
        ):
            self._batches[last].extend(kept)
        else:
            self._batches.append(kept)
            self._whole.append(whole)
            self._starts.append(self._end)
        self._end += len(kept)
        self._drop_oldest()

    def _drop_oldest(self) -> None:
        """Lines past ``max_lines`` drop off the front; a batch goes once all of it has."""
        self._head = max(self._head, self._end - self.max_lines)
        batches, starts = self._batches, self._starts
        while (
            self._first < len(batches)
            and starts[self._first] + len(batches[self._first]) <= self._head
        ):
            batches[self._first] = []
            self._first += 1
        if self._first < len(batches):  # the oldest batch, part gone: keep only the rest
            gone = self._head - starts[self._first]
            if gone > len(batches[self._first]) // 2:
                del batches[self._first][:gone]
                starts[self._first] = self._head
        if self._first > 64 and self._first * 2 > len(batches):
            del batches[: self._first], self._whole[: self._first], starts[: self._first]
            self._first = 0
