"""Process: two workers, one renamed; each logs start, sleeps, logs end."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 2.0


def worker1(seconds):
    logging.debug("start")
    time.sleep(seconds)
    logging.debug("end")


def worker2(seconds):
    logging.debug("start")
    time.sleep(seconds)
    logging.debug("end")


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    w1 = multiprocessing.Process(target=worker1, args=(SLEEP,))
    w2 = multiprocessing.Process(name="renamed worker", target=worker2, args=(SLEEP,))
    w1.start()
    w2.start()
