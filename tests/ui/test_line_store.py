"""LineStore keeps exactly what a deque with a maxlen keeps, however batches come."""

from __future__ import annotations

from collections import deque

from hypothesis import given, settings
from hypothesis import strategies as st

from mproc_tui.ui.line_store import Line, LineStore

# Each batch: whole (records of one line each) or not (lines of longer records), and a size.
# Up to 200 batches, some tiny: enough for the store to drop over 64 batches and compact.
batches = st.lists(
    st.tuples(st.booleans(), st.one_of(st.integers(0, 3), st.integers(0, 1500))), max_size=200
)


@settings(max_examples=60, deadline=None)
@given(max_lines=st.integers(1, 3000), batches=batches)
def test_the_store_is_a_bounded_deque_of_lines(
    max_lines: int, batches: list[tuple[bool, int]]
) -> None:
    store = LineStore(max_lines)
    expected: deque[Line] = deque(maxlen=max_lines)
    number = 0
    for whole, size in batches:
        records = [(number + offset,) for offset in range(size)]
        number += size
        if whole:
            store.add_records(records)
            expected.extend((record, 0) for record in records)
        else:
            lines = [(record, 1) for record in records]
            store.add_lines(lines)
            expected.extend(lines)
        assert len(store) == len(expected)
    assert list(store) == list(expected)
    for index in {0, len(expected) // 3, len(expected) - 1, -1}:
        if expected:
            assert store[index] == expected[index]


def test_the_store_keeps_its_own_copy_of_a_batch() -> None:
    store = LineStore(10)
    batch = [(1,), (2,)]
    store.add_records(batch)
    batch.append((3,))
    store.add_records([(4,)])  # joins the first batch: must not change the caller's list
    assert list(store) == [((1,), 0), ((2,), 0), ((4,), 0)]
    assert batch == [(1,), (2,), (3,)]


def test_a_line_past_either_end_is_an_index_error() -> None:
    store = LineStore(3)
    store.add_records([(1,), (2,), (3,), (4,)])
    assert store[0] == ((2,), 0)
    for index in (3, -4):
        try:
            store[index]
        except IndexError:
            continue
        raise AssertionError(f"line {index} should not exist")
