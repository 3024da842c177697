"""Orphans two processes, then exits: a double fork's grandchild, and a ``Process`` whose
parent (a fork child of the main process) exits without joining it.

Writes their pids, one a line, to the file its first argument names (whole: renamed
into place); both sleep for the seconds its second argument says (600 if none).
"""

import multiprocessing
import os
import sys
import time


def nap(seconds):
    time.sleep(seconds)


def leave_two_behind(pid_file, seconds):
    """In a fork child: start both, say which, and exit without waiting for either."""
    grandchild = os.fork()
    if grandchild == 0:
        nap(seconds)
        os._exit(0)
    worker = multiprocessing.get_context("fork").Process(
        target=nap, args=(seconds,), name="left behind"
    )
    worker.start()
    with open(pid_file + ".part", "w") as file:
        file.write(f"{grandchild}\n{worker.pid}\n")
    os.rename(pid_file + ".part", pid_file)
    os._exit(0)  # no join, no atexit: both are orphans now


if __name__ == "__main__":
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
    child = os.fork()
    if child == 0:
        leave_two_behind(sys.argv[1], seconds)
    os.waitpid(child, 0)
