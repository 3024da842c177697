"""A Manager's dict shared with 2 processes, which log through a named logger."""

import logging
from multiprocessing import Manager, Process

logging.basicConfig(level=logging.INFO, format="%(processName)s %(name)s: %(message)s")
log = logging.getLogger("shared")


def record(shared, key):
    shared[key] = key.upper()
    log.info("stored %s", key)


if __name__ == "__main__":
    with Manager() as manager:
        shared = manager.dict()
        workers = [Process(target=record, args=(shared, key)) for key in ("a", "b")]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        log.info("shared %s", sorted(shared.items()))
