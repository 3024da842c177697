"""Records of several workers in the order they were made, each worker's as it logged them."""

from __future__ import annotations

import math
import operator
from itertools import accumulate, chain, islice

from mproc_tui.core.records import LogEntry

# How long a record waits, after it was read, for a record of another worker made
# before it but read after it (each worker's pipe is read in turn). 20 ms made the
# demo's first record 1.89-2.03x a bare app's first frame (bar 2x): 5 ms.
HOLD_SECONDS = 0.005

_created = operator.itemgetter(LogEntry._fields.index("created"))
_first = operator.itemgetter(0)
_second = operator.itemgetter(1)

Run = tuple[int, list[LogEntry]]  # one stream's records, as read in one go


class TimeOrder:
    """Merges runs of records from several streams by creation time.

    Guarantee: a stream's records keep the order they came in, even when its clock
    went back or its threads' records were queued out of creation order (a record
    sorts by the latest creation time of its stream so far); records of different
    streams are in creation order. Linear in C for a batch of one stream.
    """

    def __init__(self) -> None:
        self._latest: dict[int, float] = {}  # stream -> its latest creation time so far

    def merge(self, runs: list[Run]) -> list[LogEntry]:
        streams = {stream for stream, _ in runs}
        if len(streams) <= 1:
            for stream, entries in runs:
                self._advance(stream, entries)
            return list(chain.from_iterable(entries for _, entries in runs))
        if self._in_order(runs):  # the common case: sort by creation time itself, in C
            merged = list(chain.from_iterable(entries for _, entries in runs))
            merged.sort(key=_created)  # stable: a stream's equal times keep their order
            return merged
        keyed = []
        for stream, entries in runs:
            keys = self._advance(stream, entries)
            keyed.append(zip(keys, entries, strict=True))
        try:
            ordered = sorted(chain.from_iterable(keyed), key=_first)  # stable: ties keep order
        except TypeError:  # a creation time that is not a number: leave them as they came
            return list(chain.from_iterable(entries for _, entries in runs))
        return list(map(_second, ordered))

    def _in_order(self, runs: list[Run]) -> bool:
        """Every stream's times go forward, from where it was (then its latest moves on);
        False, and nothing moved, if one goes back, is not a number or is NaN."""
        latest = dict(self._latest)
        try:
            for stream, entries in runs:
                times = list(map(_created, entries))
                if not times:
                    continue
                if not latest.get(stream, -math.inf) <= times[0] or not all(
                    map(operator.le, times, islice(times, 1, None))
                ):
                    return False
                latest[stream] = times[-1]
        except TypeError:
            return False
        self._latest = latest
        return True

    def _advance(self, stream: int, entries: list[LogEntry]) -> list[float]:
        """Each record's sort time: the running maximum of its stream's creation times."""
        start = self._latest.get(stream, -math.inf)
        try:
            # (max keeps the first of equals: a NaN creation time never moves the clock)
            keys = list(accumulate(map(_created, entries), max, initial=start))[1:]
        except TypeError:
            keys = [start] * len(entries)
        if keys:
            self._latest[stream] = keys[-1]
        return keys

    def forget(self, stream: int) -> None:
        """A stream that ended: no later record of it will come."""
        self._latest.pop(stream, None)
