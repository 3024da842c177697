"""Busy for a long time: a Pool, a Manager, and a process that orphans a subprocess.

Writes the orphan's pid to the file named by its first argument.
"""

import logging
import subprocess
import sys
import time
from multiprocessing import Manager, Pool, Process

logging.basicConfig(level=logging.INFO, format="%(processName)s: %(message)s")


def spin(seconds):
    time.sleep(seconds)
    return seconds


def orphan_a_child(pid_file):
    child = subprocess.Popen(["sleep", "600"])
    with open(pid_file, "w") as file:
        file.write(str(child.pid))
    logging.info("left %d behind", child.pid)


if __name__ == "__main__":
    leaver = Process(target=orphan_a_child, args=(sys.argv[1],), name="leaver")
    leaver.start()
    leaver.join()
    with Manager() as manager, Pool(3) as pool:
        shared = manager.dict()
        logging.info("all started")
        pool.map(spin, [600] * 3)
