"""Workers that misbehave the way real ones do: the app must show the truth and stay up."""

from __future__ import annotations

import ctypes
import logging
import os
import resource
import sys
import time


def exit_mid_log(records: int = 500) -> None:
    """Log a burst and leave with ``os._exit(3)`` halfway: no flush, no cleanup."""
    for number in range(1, records + 1):
        logging.info("record %d", number)
        if number == records // 2:
            os._exit(3)


def segfault() -> None:
    logging.warning("about to read address 0")
    ctypes.string_at(0)


def close_streams() -> None:
    """Close its own stdout and stderr; logging (the queue) still works."""
    os.close(1)
    os.close(2)
    logging.info("still logging with stdout and stderr closed")


def fork_without_exec(seconds: float = 600.0) -> None:
    """A bare ``os.fork()``: the child is a copy of the worker, logging included."""
    pid = os.fork()
    if pid == 0:
        logging.info("forked child %d logging", os.getpid())
        time.sleep(seconds)
        os._exit(0)
    logging.info("parent forked %d and returns", pid)


def fork_bomb(limit: int = 50, seconds: float = 600.0) -> None:
    """A fork bomb capped at ``limit`` children, each sleeping."""
    for _ in range(limit):
        if os.fork() == 0:
            time.sleep(seconds)
            os._exit(0)
    logging.info("forked %d children", limit)
    time.sleep(seconds)


def blocked_read() -> None:
    """Block for ever reading a pipe nobody writes to."""
    reader, _writer = os.pipe()
    logging.info("reading a silent pipe")
    os.read(reader, 1)


def eat_memory(limit_mb: int = 300) -> None:
    """Allocate until the address-space limit says no: MemoryError, exit 1."""
    limit = limit_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    hoard = []
    logging.info("eating memory up to %d MB", limit_mb)
    while True:
        hoard.append(bytearray(16 * 2**20))


def say_and_exit(*messages: str) -> None:
    for message in messages:
        logging.warning(message)


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str for you")

    def __repr__(self) -> str:
        raise RuntimeError("no repr either")


def log_unprintable() -> None:
    logging.info(Unprintable())
    logging.info("value: %s", Unprintable())
    logging.info("after the unprintable ones")


def log_from_threads(threads: int = 8, records: int = 1000) -> None:
    import threading

    def log_many(number: int) -> None:
        for index in range(records):
            logging.info("thread %d record %d", number, index)

    workers = [threading.Thread(target=log_many, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()


if __name__ == "__main__":
    sys.exit("run these as workers")
