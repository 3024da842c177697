"""A forkserver worker imports nothing on its way to its target: the fork server has it all.

What a start sends the fork server (the preparation data and the pickled ``Process``)
names classes by module; a module the server has not loaded is imported again in every
worker. Three were (``multiprocessing.queues`` and two ``popen`` modules): 2 ms of a
worker's 8 ms of CPU, read from disk 1,000 times when 1,000 workers start.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import pickletools
import shutil
import sys
from multiprocessing import popen_forkserver, reduction, spawn
from multiprocessing.context import set_spawning_popen
from pathlib import Path

import pytest

import mproc_tui.__main__
from mproc_tui.core.helpers import FORKSERVER_PRELOAD
from mproc_tui.core.launching import prepare_launch
from mproc_tui.core.workers import WorkerSpec
from tests.support.imports import modules_loaded

_STRING_OPCODES = {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"}


def modules_named(pickled: bytes) -> set[str]:
    """The modules a pickle's classes and functions come from (every pickle in the bytes)."""
    stream = io.BytesIO(pickled)
    modules: set[str] = set()
    while stream.tell() < len(pickled):
        memo: dict[int, object] = {}
        pushed: list[object] = []  # the values of the latest pushes that matter here
        for opcode, argument, _ in pickletools.genops(stream):
            if opcode.name in _STRING_OPCODES:
                pushed.append(argument)
            elif opcode.name == "MEMOIZE":
                memo[len(memo)] = pushed[-1] if pushed else None
            elif opcode.name in {"BINGET", "LONG_BINGET"}:
                pushed.append(memo.get(int(str(argument))))
            elif opcode.name == "STACK_GLOBAL":
                modules.add(str(pushed[-2]))
            elif opcode.name in {"GLOBAL", "INST"}:
                modules.add(str(argument).split(" ")[0])
            else:
                pushed.append(None)
    return modules


def start_pickle(tmp_path: Path) -> bytes:
    """What a real start of the sleeper sends the fork server, pickled as forkserver does."""
    context = multiprocessing.get_context("forkserver")
    launching = prepare_launch(context, 1, WorkerSpec(), logging.DEBUG, str(tmp_path), ())
    popen = popen_forkserver.Popen.__new__(popen_forkserver.Popen)
    popen._fds = []  # (where forkserver's DupFd notes the descriptors it sends)
    buffer = io.BytesIO()
    set_spawning_popen(popen)
    try:
        reduction.dump(spawn.get_preparation_data(launching.process.name), buffer)
        reduction.dump(launching.process, buffer)
    finally:
        set_spawning_popen(None)
        launching.abandon()
    return buffer.getvalue()


PRELOADED = [module for module in FORKSERVER_PRELOAD if module != "__main__"]


def test_a_start_names_only_modules_the_fork_server_has_loaded(tmp_path: Path) -> None:
    named = modules_named(start_pickle(tmp_path))
    assert {"multiprocessing.queues", "mproc_tui.core.bootstrap"} <= named  # (the walk works)
    _, added = modules_loaded(PRELOADED, then=sorted(named))
    assert added == set()


@pytest.mark.parametrize("main", ["console script", "python -m mproc_tui"])
def test_the_fork_server_loads_nothing_only_the_app_needs(main: str) -> None:
    """psutil (13 ms of the server's start, 1.2 MB each fork copies), Textual, Rich and
    the command line are the app's: a worker's start needs none of them. The server also
    runs the app's main script; it imported the whole command line (114 ms -> 43 ms)."""
    if main == "console script":
        main_path = shutil.which("mproc-tui", path=os.path.dirname(sys.executable))
        if main_path is None:
            pytest.skip("mproc-tui is not installed beside this Python")
    else:
        main_path = mproc_tui.__main__.__file__
    loaded, _ = modules_loaded(PRELOADED, main_path=main_path)
    app_only = {"psutil", "textual", "rich", "argparse"}
    assert sorted(m for m in loaded if m.split(".")[0] in app_only) == []
    assert not {"mproc_tui.core.stacks", "mproc_tui.cli"} & loaded
