"""A program that ignores SIGTERM, and so does the process it starts: only SIGKILL ends them."""

import signal
import time
from multiprocessing import Process


def stubborn():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        time.sleep(0.1)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = Process(target=stubborn, name="stubborn")
    child.start()
    child.join()
