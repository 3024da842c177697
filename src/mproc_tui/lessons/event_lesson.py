"""Event: workers wait until the main process sets it, then all go at once."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def worker(ready):
    logging.debug("waiting for the event")
    ready.wait()
    logging.debug("the event is set: going")


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    ready = multiprocessing.Event()
    workers = [multiprocessing.Process(target=worker, args=(ready,)) for _ in range(3)]
    for w in workers:
        w.start()
    time.sleep(3 * SLEEP)
    logging.debug("setting the event")
    ready.set()
    for w in workers:
        w.join()
