"""The yardstick's worker for bench_spawn: nothing but multiprocessing and a sleep."""

from __future__ import annotations

import time
from typing import Any


def started_then_sleep(queue: Any, seconds: float = 3600.0) -> None:
    queue.put("start")
    time.sleep(seconds)
