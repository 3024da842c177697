"""Hostile log content, generated: it arrives intact, is shown literally, and nothing acts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mproc_tui.core.records import LogEntry
from mproc_tui.core.supervisor import Supervisor, WorkerSpec
from mproc_tui.core.text import safe_text
from tests.app.helpers import log_lines, make_app, screen_text
from tests.conftest import TESTS, Collector

HOSTILE = f"{TESTS / 'support' / 'hostile_workers.py'}"
MakeSupervisor = Callable[..., Supervisor]
# Each example starts an app or a worker (slow), and the settings fixture is shared
# by the examples (harmless: they never change settings).
SLOW_AND_SHARED = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]

ESCAPES = st.sampled_from(
    [
        "\x1b[2J\x1b[H",  # clear the screen, home the cursor
        "\x1b]0;pwned\x07",  # OSC: set the window title
        "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
        "\x9b31m",  # C1 CSI
        "\x1bc",  # reset the terminal
        "[@click=app.quit]quit[/]",
        "[bold red]styled?[/]",
        "[/]",
        "[link=file:///etc/passwd]x[/link]",
        "\x00\x07\x08\x7f\r",
        "\ud800",  # a lone surrogate
        "\u2028\u2029",
        "漢字🙂",
    ]
)
MESSAGES = st.lists(
    st.one_of(st.text(max_size=200), ESCAPES, st.lists(ESCAPES, max_size=5).map("".join)),
    min_size=1,
    max_size=8,
)


def entry(message: str) -> LogEntry:
    return LogEntry(1, time.time(), 30, "WARNING", "root", "Process-1", 1, "MainThread",
                    "/w.py", 1, "f", message, None)  # fmt: skip


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=SLOW_AND_SHARED,
)
@given(messages=MESSAGES)
def test_any_text_is_shown_literally_and_nothing_acts(messages: list[str]) -> None:
    async def show() -> None:
        app = make_app(refresh=3600.0)
        async with app.run_test(size=(120, 40)) as pilot:
            app.main_screen.log_view.pane.add_entries([entry(message) for message in messages])
            await pilot.pause(0.05)
            shown = screen_text(app)
            svg = app.export_screenshot()
            assert app.is_running  # [@click=app.quit] did not quit
            assert "\x1b" not in svg and "\x9b" not in svg and "\x07" not in svg
            assert "pwned" not in str(app.title)
            # Each record's first line (continuation lines start with spaces).
            lines = [line for line in log_lines(app) if not line.startswith(" ")]
            for message, line in zip(messages, lines, strict=True):
                first = safe_text(message.replace("\r\n", "\n").split("\n")[0])
                assert line.endswith(f"Process-1: {first}")  # literal, every character
            assert shown  # the screen still draws

    asyncio.run(show())


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=SLOW_AND_SHARED,
)
@given(messages=MESSAGES)
def test_any_text_crosses_the_transport_intact(messages: list[str]) -> None:
    collector = Collector()
    supervisor = Supervisor(collector)
    try:
        worker = supervisor.spawn(WorkerSpec(target=f"{HOSTILE}:say_and_exit", args=messages))
        assert supervisor.join(worker, timeout=30) == 0
        assert supervisor.wait_logs_drained(worker, 10)
        assert collector.messages(worker) == messages
    finally:
        supervisor.shutdown(1.0)


@pytest.mark.slow
def test_a_megabyte_message_arrives_whole_and_the_pane_stays_quick(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    big = "x" * 2**20 + "THE-END"
    worker = supervisor.spawn(WorkerSpec(target=f"{HOSTILE}:say_and_exit", args=(big, "after")))
    assert supervisor.join(worker, timeout=30) == 0
    assert supervisor.wait_logs_drained(worker, 10)
    assert collector.messages(worker) == [big, "after"]


def test_unprintable_objects_and_many_threads_in_one_worker(
    make_supervisor: MakeSupervisor, collector: Collector
) -> None:
    supervisor = make_supervisor()
    unprintable = supervisor.spawn(WorkerSpec(target=f"{HOSTILE}:log_unprintable"))
    threads = supervisor.spawn(WorkerSpec(target=f"{HOSTILE}:log_from_threads"))
    assert supervisor.join(unprintable, timeout=30) == 0
    assert supervisor.join(threads, timeout=60) == 0
    for worker in (unprintable, threads):
        assert supervisor.wait_logs_drained(worker, 10)
    messages = collector.messages(unprintable)
    assert len(messages) == 3 and messages[-1] == "after the unprintable ones"
    assert all("unformattable" in message for message in messages[:2])
    from_threads = collector.messages(threads)
    assert len(from_threads) == 8 * 1000
    for number in range(8):  # in order within each thread
        own = [m for m in from_threads if m.startswith(f"thread {number} ")]
        assert own == [f"thread {number} record {index}" for index in range(1000)]
