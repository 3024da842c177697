"""A Pool of 3 workers squaring numbers, each logging through its own named logger."""

import logging
import sys
from multiprocessing import Pool

logging.basicConfig(level=logging.INFO, format="%(processName)s %(name)s: %(message)s")
log = logging.getLogger("squares")


def square(number):
    log.info("squaring %d", number)
    return number * number


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    with Pool(3) as pool:
        results = pool.map(square, range(count))
    log.info("total %d", sum(results))
