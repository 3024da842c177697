"""Queue: a producer puts work in, two consumers take it out; None means stop."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def producer(queue, count, seconds):
    for number in range(count):
        queue.put(number)
        logging.debug("put %d", number)
        time.sleep(seconds / 2)
    for _ in range(2):
        queue.put(None)


def consumer(queue, seconds):
    while True:
        item = queue.get()
        if item is None:
            logging.debug("no more work")
            return
        logging.debug("got %d", item)
        time.sleep(seconds)


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(name="producer", target=producer, args=(queue, 6, SLEEP)),
        multiprocessing.Process(target=consumer, args=(queue, SLEEP)),
        multiprocessing.Process(target=consumer, args=(queue, SLEEP)),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
