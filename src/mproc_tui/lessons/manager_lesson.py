"""Manager: a server process holds a dict and a list; workers change them through proxies."""

import logging
import multiprocessing
import sys
import time

SLEEP = float(sys.argv[sys.argv.index("--sleep") + 1]) if "--sleep" in sys.argv else 1.0


def worker(scores, seen, number, seconds):
    time.sleep(seconds)
    name = multiprocessing.current_process().name
    scores[name] = number * 10
    seen.append(name)
    logging.debug("recorded %d in the manager's dict", number * 10)


if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG, format="%(processName)s: %(message)s")
    with multiprocessing.Manager() as manager:
        scores, seen = manager.dict(), manager.list()
        workers = [
            multiprocessing.Process(target=worker, args=(scores, seen, number, SLEEP))
            for number in range(1, 4)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        logging.debug("scores %s, in the order %s", dict(scores), list(seen))
