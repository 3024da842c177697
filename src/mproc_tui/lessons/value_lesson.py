"""Value: two workers add 1 to a shared number; without its lock, additions are lost."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0
TIMES = 50_000


def add_without_the_lock(counter):
    for _ in range(TIMES):
        counter.value += 1  # read, add, write: another worker may write in between
    logging.debug("added %d without the lock", TIMES)


def add_with_the_lock(counter):
    for _ in range(TIMES):
        with counter.get_lock():
            counter.value += 1
    logging.debug("added %d with the lock", TIMES)


def race(target, counter):
    workers = [multiprocessing.Process(target=target, args=(counter,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return counter.value


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    unsafe = race(add_without_the_lock, multiprocessing.Value("i", 0))
    logging.debug("without the lock: %d, not %d", unsafe, 2 * TIMES)
    time.sleep(SLEEP)
    safe = race(add_with_the_lock, multiprocessing.Value("i", 0))
    logging.debug("with the lock: %d", safe)
