"""Runs until stopped: a spawn ``Process`` named napper sleeps the seconds its first
argument says, and the main process joins it."""

import multiprocessing
import sys
import time


def nap(seconds):
    time.sleep(seconds)


if __name__ == "__main__":
    seconds = float(sys.argv[1])
    napper = multiprocessing.get_context("spawn").Process(
        target=nap, args=(seconds,), name="napper"
    )
    napper.start()
    napper.join()
