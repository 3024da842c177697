"""Condition: consumers wait until a producer has made something and notifies them."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def consumer(condition, made):
    with condition:
        logging.debug("waiting for an item")
        condition.wait_for(lambda: made.value > 0)
        made.value -= 1
        logging.debug("took an item")


def producer(condition, made, count, seconds):
    for _ in range(count):
        time.sleep(seconds)
        with condition:
            made.value += 1
            logging.debug("made an item: notifying one consumer")
            condition.notify()


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    condition = multiprocessing.Condition()
    made = multiprocessing.Value("i", 0, lock=False)  # guarded by the condition's lock
    consumers = [multiprocessing.Process(target=consumer, args=(condition, made)) for _ in range(3)]
    maker = multiprocessing.Process(
        name="producer", target=producer, args=(condition, made, 3, SLEEP)
    )
    for w in [*consumers, maker]:
        w.start()
    for w in [*consumers, maker]:
        w.join()
