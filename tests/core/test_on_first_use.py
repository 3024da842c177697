"""OnFirstUse: made once, on the first call, whichever threads ask at the same time."""

from __future__ import annotations

import threading

import pytest

from mproc_tui.core.on_first_use import OnFirstUse


def test_it_is_made_once_for_threads_that_ask_together() -> None:
    calls: list[int] = []
    entered, release = threading.Event(), threading.Event()

    def make() -> object:
        calls.append(1)
        entered.set()
        assert release.wait(30)  # the others ask while it is being made
        return object()

    value = OnFirstUse(make)
    assert not value.made
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(value())) for _ in range(8)]
    threads[0].start()
    assert entered.wait(30)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1
    assert len(got) == 8 and all(item is got[0] for item in got)
    assert value.made and value() is got[0]


def test_a_failed_making_keeps_nothing_and_the_next_call_tries_again() -> None:
    attempts: list[int] = []

    def make() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("no room")
        return "made"

    value = OnFirstUse(make)
    with pytest.raises(OSError, match="no room"):
        value()
    assert not value.made
    assert value() == "made" and value.made and len(attempts) == 2
