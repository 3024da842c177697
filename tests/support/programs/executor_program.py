"""A ProcessPoolExecutor of 2 workers; they log through a named logger."""

import logging
from concurrent.futures import ProcessPoolExecutor

logging.basicConfig(level=logging.INFO, format="%(processName)s %(name)s: %(message)s")
log = logging.getLogger("cubes")


def cube(number):
    log.info("cubing %d", number)
    return number**3


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as executor:
        results = list(executor.map(cube, range(4)))
    log.info("total %d", sum(results))
