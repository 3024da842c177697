"""Barrier: nobody goes on until all three have arrived; the last one releases them all."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def worker(barrier, arrives_after):
    time.sleep(arrives_after)
    logging.debug("arrived at the barrier, waiting for the others")
    barrier.wait()
    logging.debug("released: all three are here")


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    barrier = multiprocessing.Barrier(3)
    workers = [
        multiprocessing.Process(target=worker, args=(barrier, number * SLEEP))
        for number in range(1, 4)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
