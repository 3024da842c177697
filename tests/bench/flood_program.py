"""The program bench_run.py watches: 4 Pool workers log RECORDS records in all through
the program's own handler (to /dev/null), and it prints how long its main took."""

import json
import logging
import os
import sys
import time
from multiprocessing import Pool

logging.basicConfig(level=logging.INFO, handlers=[logging.FileHandler(os.devnull)])


def log_many(count):
    log = logging.getLogger("bench")
    for number in range(count):
        log.info("record %d of the bench", number)
    return count


if __name__ == "__main__":
    started = time.perf_counter()
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with Pool(4) as pool:
        done = sum(pool.map(log_many, [total // 4] * 4))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "records": done, "ended": time.time()}))
