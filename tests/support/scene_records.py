"""The records the scenes and tests show: the lesson's, every level, loggers, literal markup."""

from __future__ import annotations

import logging

from mproc_tui.core.records import LogEntry

NOON = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC: every scene's clock starts here

TRACEBACK = """Traceback (most recent call last):
  File "/home/user/jobs/report.py", line 12, in build
    total = sum(row["amount"] for row in rows)
  File "/home/user/jobs/report.py", line 12, in <genexpr>
    total = sum(row["amount"] for row in rows)
KeyError: 'amount'"""


def entry(
    seconds: float,
    level: int,
    name: str,
    message: str,
    traceback: str | None = None,
    logger: str = "root",
) -> LogEntry:
    return LogEntry(
        worker_id=1 if name == "Process-1" else 2,
        created=NOON + seconds,
        level=level,
        level_name=logging.getLevelName(level),
        logger_name=logger,
        process_name=name,
        pid=4242,
        thread_name="MainThread",
        pathname="/home/user/jobs/report.py",
        lineno=12,
        function="build",
        message=message,
        traceback=traceback,
    )


ENTRIES = [
    entry(0.000, logging.DEBUG, "Process-1", "start"),
    entry(0.001, logging.INFO, "renamed worker", "start"),
    entry(0.250, logging.INFO, "Process-1", "reading 1,204 rows from orders.csv"),
    entry(0.500, logging.WARNING, "renamed worker", "slow disk: 850 ms for one read"),
    entry(0.750, logging.ERROR, "Process-1", "report failed", TRACEBACK),
    entry(1.000, logging.CRITICAL, "renamed worker", "giving up after 3 tries"),
    entry(1.250, logging.INFO, "renamed worker", "[@click=app.quit]literal[/] \x1b[2J text"),
    entry(
        1.500,
        logging.INFO,
        "Process-1",
        "a long line: " + " ".join(f"item-{number}" for number in range(30)),
    ),
    entry(2.000, logging.INFO, "Process-1", "end"),
]

# Records of several loggers, and a captured print: the pane names each logger but root.
LOGGER_ENTRIES = [
    entry(0.000, logging.INFO, "Process-1", "start"),
    entry(0.100, logging.INFO, "Process-1", "order 7 paid", logger="shop.orders"),
    entry(0.200, logging.DEBUG, "renamed worker", "INSERT INTO orders (7)", logger="shop.db"),
    entry(0.300, logging.WARNING, "renamed worker", "retrying order 8", logger="shop.orders"),
    entry(0.400, logging.INFO, "renamed worker", "progress: 40%", logger="stdout"),
    entry(0.500, logging.INFO, "Process-1", "order 9 paid", logger="shop.orders"),
    entry(0.600, logging.INFO, "Process-1", "end"),
]
