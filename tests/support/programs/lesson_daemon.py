import logging
import time
from multiprocessing import Process

logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")


def worker1(delay):
    logging.debug("start")
    time.sleep(delay)
    logging.debug("end")


def worker2(delay):
    logging.debug("start")
    time.sleep(delay)
    logging.debug("end")


if __name__ == "__main__":
    p1 = Process(target=worker1, args=(2,))
    p1.daemon = True
    p2 = Process(name="renamed worker", target=worker2, args=(2,))
    p1.start()
    p2.start()
    p1.join()
    p2.join()
