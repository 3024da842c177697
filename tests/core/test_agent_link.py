"""The agents' wire: frames over real Unix sockets, cut, spilled, garbled, and well-formed."""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from mproc_tui.agent import AGENT_DIRECTORY, AGENT_FILES
from mproc_tui.agent import mproc_tui_agent_stream as stream
from mproc_tui.core.agent_link import AgentLink
from tests.conftest import Collector, wait_until


@pytest.fixture
def directory() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="mproc-tui-link-") as path:
        yield Path(path)


@pytest.fixture
def link(directory: Path, collector: Collector) -> Iterator[AgentLink]:
    agent_link = AgentLink(
        str(directory / "agent.sock"), collector, lambda event: None, lambda pid, name: pid
    )
    agent_link.start()
    yield agent_link
    agent_link.stop()


def _record(number: int, message: str = "") -> tuple[object, ...]:
    return (1.5 + number, 20, "INFO", "lg", "Process-1", 7, "MainThread", "/p.py", 3, "f",
            message or f"record {number}", None)  # fmt: skip


def _logs(*numbers: int) -> bytes:
    records = [_record(number) for number in numbers]
    return stream._frame({"t": "logs", "records": records}, len(records))


def _connect(link: AgentLink) -> socket.socket:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(link.path)
    return connection


def _run_under_agent(
    program: str, link: AgentLink, directory: Path, then: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -c program`` with the agent loaded, as ``mproc-tui run`` loads it
    (first on ``PYTHONPATH``, before ``then``)."""
    for name in AGENT_FILES:
        (directory / name).write_bytes(Path(AGENT_DIRECTORY, name).read_bytes())
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(path) for path in (directory, then) if path),
        "MPROC_TUI_AGENT_SOCKET": link.path,
        "MPROC_TUI_AGENT_LEVEL": "10",
    }
    command = [sys.executable, "-c", program]
    return subprocess.run(command, env=environment, capture_output=True, timeout=60)


def _messages(collector: Collector) -> list[str]:
    return [entry.message for entry in collector.entries]


def test_a_cut_last_frame_is_dropped_and_the_frames_before_it_arrive(
    link: AgentLink, collector: Collector
) -> None:
    cut = _logs(3, 4)
    with _connect(link) as connection:
        connection.sendall(_logs(1, 2) + cut[: len(cut) // 2])
    with _connect(link) as other:
        other.sendall(_logs(5))
    wait_until(lambda: len(collector.entries) >= 3, 10, "the whole frames")
    link.stop()
    assert sorted(_messages(collector)) == ["record 1", "record 2", "record 5"]
    assert link.malformed == 0


def test_a_spill_file_goes_on_from_where_the_stream_was_cut(
    link: AgentLink, collector: Collector, directory: Path
) -> None:
    cut = _logs(2, 3)
    (directory / f"spill-{os.getpid()}.bin").write_bytes(cut[10:] + _logs(4))
    with _connect(link) as connection:
        connection.sendall(_logs(1) + cut[:10])
    wait_until(lambda: len(collector.entries) >= 4, 10, "the spilled records")
    assert _messages(collector) == ["record 1", "record 2", "record 3", "record 4"]
    assert not (directory / f"spill-{os.getpid()}.bin").exists()


def test_a_stream_that_is_not_frames_is_closed_and_the_others_go_on(
    link: AgentLink, collector: Collector
) -> None:
    with _connect(link) as garbage, _connect(link) as good:
        garbage.sendall(b"\xff" * 64)
        wait_until(lambda: link.malformed == 1, 10, "the garbage counted")
        assert garbage.recv(1) == b""  # closed by mproc-tui
        good.sendall(_logs(1))
        wait_until(lambda: _messages(collector) == ["record 1"], 10, "the good stream")


def test_a_payload_that_does_not_load_is_counted_and_the_next_frame_read(
    link: AgentLink, collector: Collector
) -> None:
    junk = b"not marshal at all"
    with _connect(link) as connection:
        connection.sendall(len(junk).to_bytes(4, "little") + bytes(4) + junk + _logs(1))
        wait_until(lambda: _messages(collector) == ["record 1"], 10, "the frame after")
    assert link.malformed == 1


def test_records_an_agent_dropped_are_counted(link: AgentLink, collector: Collector) -> None:
    frame = stream._frame({"t": "logs", "records": [_record(9)], "dropped": 1200}, 1201)
    with _connect(link) as connection:
        connection.sendall(frame)
    wait_until(lambda: _messages(collector) == ["record 9"], 10, "the record that came")
    assert link.dropped == 1200


def test_fields_of_unexpected_types_are_made_plain(link: AgentLink, collector: Collector) -> None:
    odd = (math.nan, "high", 5, None, ["name"], None, 1, 2, "3", None, 42, 3.5)
    frame = stream._frame({"t": "logs", "records": [odd, _record(1), "not a record"]}, 3)
    with _connect(link) as connection:
        connection.sendall(frame)
    wait_until(lambda: len(collector.entries) == 2, 10, "both records")
    entry = collector.entries[0]
    assert math.isfinite(entry.created) and entry.level == 0
    assert (entry.level_name, entry.logger_name, entry.process_name) == ("?", "?", "?")
    assert (entry.pid, entry.pathname, entry.lineno, entry.function) == (0, "", 0, "")
    assert entry.message == "42" and entry.traceback is None
    assert collector.entries[1].message == "record 1"
    assert link.malformed == 1


def test_a_real_agent_sends_every_record_with_its_fields(
    link: AgentLink, collector: Collector, directory: Path
) -> None:
    program = textwrap.dedent(
        """
        import logging
        logging.basicConfig(level=logging.DEBUG, handlers=[logging.NullHandler()])
        log = logging.getLogger("app.part")
        for number in range(1200):
            log.debug("record %d [@click=app.quit]", number)
        class Odd:
            def __repr__(self): return "<odd>"
        log.warning(Odd())
        try:
            1 / 0
        except ZeroDivisionError:
            log.exception("it failed")
        """
    )
    assert _run_under_agent(program, link, directory).returncode == 0
    wait_until(lambda: len(collector.entries) >= 1202, 15, "every record")
    messages = _messages(collector)
    assert messages[:1200] == [f"record {n} [@click=app.quit]" for n in range(1200)]
    assert messages[1200:] == ["<odd>", "it failed"]
    failure = collector.entries[-1]
    assert failure.logger_name == "app.part" and failure.level_name == "ERROR"
    assert failure.traceback is not None and "ZeroDivisionError" in failure.traceback
    assert link.malformed == 0 and link.dropped == 0


def test_when_far_behind_whole_batches_go_and_are_counted_process_messages_stay() -> None:
    start = stream._frame({"t": "start", "pid": 1}, 0)
    run = stream._frame({"t": "run", "pid": 1}, 0)
    old, newer = _logs(1, 2, 3), _logs(4, 5)
    end = stream._frame({"t": "exit", "pid": 1, "code": 0}, 0)
    saved = (stream.MAX_WAITING, stream._dropped)
    try:
        stream._out[:] = start + run + old + newer + end
        stream._forget_frames(5)  # the socket took part of the first frame
        stream.MAX_WAITING = len(stream._out) - len(old) // 2
        stream._drop_oldest_records()
        assert bytes(stream._out) == start[5:] + run + newer + end
        assert stream._dropped == 3
    finally:
        stream.MAX_WAITING, stream._dropped = saved
        stream._forget_frames(len(stream._out))


def test_a_sigterm_while_the_agent_sends_ends_the_process_once_its_records_are_out(
    link: AgentLink, collector: Collector, directory: Path
) -> None:
    """The SIGTERM a Pool sends its workers, landing while the agent holds its lock: the
    agent lets go, sends what waits, and the process ends by SIGTERM (a loop here once
    left a Pool worker alive for ever)."""
    program = textwrap.dedent(
        """
        import logging, os, signal, time
        import mproc_tui_agent_stream as stream
        logging.basicConfig(level=logging.INFO, handlers=[logging.NullHandler()])
        stream.flush_on_sigterm()
        logging.info("before")
        with stream._Holding():
            os.kill(os.getpid(), signal.SIGTERM)
            logging.info("while holding")
        time.sleep(30)
        print("survived")
        """
    )
    result = _run_under_agent(program, link, directory)
    assert result.returncode == -15, result.stderr.decode()
    assert b"survived" not in result.stdout
    wait_until(lambda: len(collector.entries) >= 2, 15, "the records before the SIGTERM")
    assert _messages(collector) == ["before", "while holding"]


def test_a_sigterm_noted_but_not_handled_before_the_main_thread_blocks_still_ends_it(
    link: AgentLink, collector: Collector, directory: Path
) -> None:
    """Python runs a signal's handler on the main thread only once a blocking call there
    returns. Here the SIGTERM lands on another thread while the main thread waits on a
    lock that no one will release, as a Pool worker's SIGTERM can land just before it
    waits for its next task: the agent must wake the main thread so the handler runs."""
    program = textwrap.dedent(
        """
        import logging, signal, threading, time
        import mproc_tui_agent_stream as stream
        logging.basicConfig(level=logging.INFO, handlers=[logging.NullHandler()])
        stream.flush_on_sigterm()
        logging.info("before")
        def sigterm_here():
            time.sleep(0.3)
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
        threading.Thread(target=sigterm_here).start()
        never = threading.Lock()
        never.acquire()
        never.acquire()
        print("survived")
        """
    )
    result = _run_under_agent(program, link, directory)
    assert result.returncode == -15, result.stderr.decode()
    wait_until(lambda: _messages(collector) == ["before"], 15, "the record before the SIGTERM")


def test_the_programs_own_sitecustomize_still_runs_after_the_agents(
    link: AgentLink, collector: Collector, directory: Path, tmp_path: Path
) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "sitecustomize.py").write_text("import builtins\nbuiltins.CUSTOMIZED = True\n")
    program = "import logging, builtins; logging.warning('customized %s', builtins.CUSTOMIZED)"
    result = _run_under_agent(program, link, directory, then=own)
    assert result.returncode == 0, result.stderr.decode()
    wait_until(lambda: _messages(collector) == ["customized True"], 15, "the record")


def test_a_fork_while_frames_are_being_sent_starts_the_child_with_none() -> None:
    """A thread inside ``send(_out)`` at the moment of a fork leaves the parent's buffer
    exported for good in the child: the child must start with a buffer of its own."""
    stream._out.extend(b"x" * 100)
    sending = memoryview(stream._out)  # what socket.send holds while it runs
    try:
        pid = os.fork()
        if pid == 0:  # the child: the agent's fork hook has run
            os._exit(0 if len(stream._out) == 0 else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        sending.release()
        del stream._out[:]
