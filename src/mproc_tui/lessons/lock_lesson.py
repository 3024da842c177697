"""Lock: one worker at a time holds it; the others wait their turn."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def worker(lock, seconds):
    logging.debug("waiting for the lock")
    with lock:
        logging.debug("got the lock")
        time.sleep(seconds)
        logging.debug("releasing the lock")


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    lock = multiprocessing.Lock()
    workers = [multiprocessing.Process(target=worker, args=(lock, SLEEP)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
