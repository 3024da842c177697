"""Array: workers fill their own slots of one shared array; the main process reads it."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def fill(squares, slot, seconds):
    time.sleep(seconds * slot)
    squares[slot] = slot * slot
    logging.debug("wrote %d into slot %d", squares[slot], slot)


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    squares = multiprocessing.Array("i", 4)
    workers = [
        multiprocessing.Process(target=fill, args=(squares, slot, SLEEP)) for slot in range(4)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    logging.debug("the array now holds %s", list(squares))
