"""Shared fixtures: real supervisors and a thread-safe record collector."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Generic, TypeVar

import pytest

from mproc_tui.core.records import LogEntry
from mproc_tui.core.supervisor import Supervisor
from tests.support.waiting import wait_until

__all__ = ["Collector", "support_target", "wait_until"]

TESTS = Path(__file__).parent
TARGETS_FILE = TESTS / "support" / "targets.py"


def support_target(function: str) -> str:
    """A file-path reference to a target in tests/support/targets.py."""
    return f"{TARGETS_FILE}:{function}"


class Collector:
    """Receives the listener's batches (on its thread) and lets tests wait on them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.entries: list[LogEntry] = []
        self.last_seen: dict[int, float] = {}

    def __call__(self, batch: list[LogEntry]) -> None:
        now = time.monotonic()
        with self._lock:
            self.entries.extend(batch)
            for entry in batch:
                self.last_seen[entry.worker_id] = now

    def of(self, worker_id: int) -> list[LogEntry]:
        with self._lock:
            return [entry for entry in self.entries if entry.worker_id == worker_id]

    def messages(self, worker_id: int) -> list[str]:
        return [entry.message for entry in self.of(worker_id)]


Note = TypeVar("Note")


class Heard(Generic[Note]):
    """What a supervisor says through a callback (restarts, memory), from its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._notes: list[Note] = []

    def __call__(self, note: Note) -> None:
        with self._lock:
            self._notes.append(note)

    @property
    def notes(self) -> list[Note]:
        with self._lock:
            return list(self._notes)


@pytest.fixture(autouse=True)
def own_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test (and every app it runs) reads and writes settings of its own,
    never the user's: a theme chosen on this machine must not change a snapshot."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture(params=["forkserver", "spawn", "fork"])
def start_method(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_supervisor(collector: Collector) -> Iterator[Callable[..., Supervisor]]:
    created: list[Supervisor] = []

    def make(start_method: str = "forkserver", **kwargs: object) -> Supervisor:
        supervisor = Supervisor(collector, start_method=start_method, **kwargs)  # type: ignore[arg-type]
        created.append(supervisor)
        return supervisor

    yield make
    for supervisor in created:
        supervisor.shutdown(grace=1.0)
