"""Worker targets used by the tests, loaded by file path like a user's own code."""

from __future__ import annotations

import logging
import os
import sys
import time

# A user's module that configures logging at import time: with the QueueHandler
# already installed, basicConfig must add no second handler.
logging.basicConfig(level=logging.WARNING, format="%(message)s")

HOSTILE_MESSAGES = (
    "[@click=app.quit]x[/]",
    "[bold]not bold[/bold]",
    "\x1b[2J\x1b[Hcleared?",
    "\x1b]0;title\x07osc",
    "bell\x07 nul\x00 del\x7f c1\x9b end",
    "[/]",
)


def report_handlers() -> None:
    """Log how many handlers the root logger has, after the module's basicConfig."""
    root = logging.getLogger()
    logging.warning("handlers=%d level=%s", len(root.handlers), logging.getLevelName(root.level))


def report_gc_thresholds() -> None:
    """Log the collector's thresholds the target runs with."""
    import gc

    logging.warning("thresholds=%s", gc.get_threshold())


def hostile(pause: float = 0.0) -> None:
    """Log text that would act, style or corrupt the screen if treated as markup or escapes."""
    for message in HOSTILE_MESSAGES:
        logging.warning(message)
    time.sleep(pause)


def write_output(lines: int = 3) -> None:
    """print() and raw fd writes must arrive as records, not on the terminal."""
    for number in range(lines):
        print(f"printed {number}")
    os.write(1, b"raw fd 1 line\n")
    print("to stderr", file=sys.stderr)
    sys.stdout.write("no newline at the end")


def floods_its_stdout(lines: int = 200_000) -> None:
    """A child writes ``lines`` lines of ``y`` to the worker's stdout as fast as it can."""
    import subprocess

    writer = f"import os\nfor _ in range({lines} // 1000): os.write(1, b'y\\n' * 1000)"
    subprocess.run([sys.executable, "-c", writer], check=True)
    time.sleep(3600)


def exit_with(code: int) -> None:
    logging.info("exiting with %d", code)
    sys.exit(code)


def empty_exception() -> None:
    """``logging.exception("")``: a record whose message is empty but has a traceback."""
    try:
        raise ValueError("inside an empty-message record")
    except ValueError:
        logging.exception("")


def evil_level_name() -> None:
    """A level name that is an escape sequence (clear screen, reset terminal)."""
    logging.addLevelName(logging.WARNING, "\x1b[2J\x1bc")
    logging.warning("after the evil level name")


class Marked(str):
    """A str subclass defined here: the parent cannot import it to unpickle it."""


def relayed_record() -> None:
    """A record relayed with makeLogRecord, carrying values no formatter expects."""
    logging.getLogger().handle(
        logging.makeLogRecord(
            {"msg": "relayed", "levelno": 20, "created": 1e300, "levelname": 5, "lineno": "x"}
        )
    )
    logging.getLogger().handle(
        logging.makeLogRecord({"msg": "nan", "levelno": 20, "created": float("nan")})
    )
    logging.getLogger().handle(
        logging.makeLogRecord(
            {
                "msg": Marked("subclassed"),
                "levelno": 20,
                "levelname": Marked("NOTICE"),
                "exc_text": Marked("exc text"),
            }
        )
    )


def exit_with_message() -> None:
    logging.info("about to exit with a message")
    sys.exit("FATAL: config file missing")


def count_rtmin(wait: float = 2.0) -> None:
    """Count SIGRTMIN deliveries to this process, then log the count.

    CPython keeps one flag per signal, so a Python handler cannot count; the wakeup
    fd gets one byte from the C handler per delivery. A fork child keeps the worker's
    group company, so "children too" has someone else to reach.
    """
    import multiprocessing
    import signal as signals

    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
    child.start()
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signals.signal(signals.SIGRTMIN, lambda number, frame: None)
    signals.set_wakeup_fd(write_end)
    logging.info("ready")
    time.sleep(wait)
    os.set_blocking(read_end, False)
    try:
        received = os.read(read_end, 1024)
    except BlockingIOError:
        received = b""
    logging.info("deliveries %d", received.count(bytes([signals.SIGRTMIN])))
    child.kill()


def say(*messages: str) -> None:
    """Log each message at INFO, then stay up long enough to be looked at."""
    for message in messages:
        logging.info(message)
    time.sleep(30)


def say_as(logger: str, *messages: str) -> None:
    """Log each message at INFO through the named logger, then stay up to be looked at."""
    for message in messages:
        logging.getLogger(logger).info(message)
    time.sleep(30)


def helper_sleeps() -> None:
    time.sleep(3600)


def stuck_on_a_lock() -> None:
    """Blocked for good in ``threading.Lock().acquire()``, a helper thread asleep beside it."""
    import threading

    threading.Thread(target=helper_sleeps, name="helper", daemon=True).start()
    lock = threading.Lock()
    lock.acquire()
    logging.info("stuck")
    lock.acquire()


def deep_recursion(depth: int = 150) -> None:
    """Deeper than faulthandler shows (100 frames), then asleep."""
    if depth:
        deep_recursion(depth - 1)
        return
    logging.info("deep")
    time.sleep(3600)


def stuck_child() -> None:
    """Starts a multiprocessing child stuck on a lock (the tree view's row), and a subprocess."""
    import multiprocessing
    import subprocess

    child = multiprocessing.Process(target=stuck_on_a_lock, name="stuck child")
    child.start()
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
    logging.info("children %d %d", child.pid, helper.pid)
    child.join()


def ticks(interval: float = 0.01) -> None:
    """Tick after tick, a DEBUG record then an INFO record, each numbered."""
    number = 0
    while True:
        number += 1
        logging.debug("debug %d", number)
        logging.info("info %d", number)
        time.sleep(interval)


def grows(step_mb: int = 20, every: float = 0.2, most_mb: int = 200) -> None:
    """Grows its memory a step at a time (pages written, so RSS counts them), then waits."""
    chunks = []
    logging.info("growing")
    while len(chunks) * step_mb < most_mb:
        chunks.append(b"\x01" * (step_mb << 20))
        time.sleep(every)
    logging.info("grown")
    time.sleep(3600)


def child_holds_memory(megabytes: int = 150) -> None:
    """Its child process holds the memory; the worker itself stays small."""
    import subprocess

    holder = (
        f"import time; x = b'\\x01' * ({megabytes} << 20); "
        "print('held', flush=True); time.sleep(3600)"
    )
    helper = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    assert helper.stdout is not None
    logging.info("child %d %s", helper.pid, helper.stdout.readline().strip())
    helper.wait()


def exits_after(seconds: float = 0.1, code: int = 0) -> None:
    """Logs its run's start, then exits with ``code`` after ``seconds``."""
    logging.info("run")
    time.sleep(seconds)
    sys.exit(code)


def deadlocked_children() -> None:
    """The deadlock program (two children taking two locks in opposite order), run as a
    worker's target: its children are forked, and wait for each other for good."""
    import runpy
    from pathlib import Path

    program = Path(__file__).with_name("programs") / "deadlock.py"
    sys.argv = [str(program), "fork"]
    runpy.run_path(str(program), run_name="__main__")
