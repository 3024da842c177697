"""Pipe: two ends, one in each process; what one end sends the other receives."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def ping(end, count, seconds):
    for number in range(count):
        end.send(number)
        logging.debug("sent %d", number)
        logging.debug("received %r back", end.recv())
        time.sleep(seconds)
    end.send(None)


def pong(end):
    while (number := end.recv()) is not None:
        logging.debug("received %d, answering", number)
        end.send(number * number)


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    left, right = multiprocessing.Pipe()
    workers = [
        multiprocessing.Process(name="ping", target=ping, args=(left, 4, SLEEP)),
        multiprocessing.Process(name="pong", target=pong, args=(right,)),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
