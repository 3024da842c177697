"""RLock: the worker holding it may take it again (a Lock would wait for itself forever)."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def withdraw(lock, seconds):
    with lock:  # taken again by the same worker: the depth goes to 2
        logging.debug("withdrawing, holding the lock twice")
        time.sleep(seconds)


def worker(lock, seconds):
    logging.debug("waiting for the lock")
    with lock:
        logging.debug("got the lock")
        time.sleep(seconds)
        withdraw(lock, seconds)
        logging.debug("releasing the lock")


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    lock = multiprocessing.RLock()
    workers = [multiprocessing.Process(target=worker, args=(lock, SLEEP)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
