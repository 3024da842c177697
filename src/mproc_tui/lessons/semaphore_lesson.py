"""Semaphore: at most two workers at once in the room; the rest wait at the door."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def worker(room, seconds):
    logging.debug("waiting to enter")
    with room:
        logging.debug("entered")
        time.sleep(seconds)
        logging.debug("leaving")


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    room = multiprocessing.Semaphore(2)
    workers = [multiprocessing.Process(target=worker, args=(room, SLEEP)) for _ in range(5)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
