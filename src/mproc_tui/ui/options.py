"""The app's settings, as the command line gives them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mproc_tui.core.plan_options import KeepOptions
from mproc_tui.core.worker_plan import WorkerPlan

if TYPE_CHECKING:
    from mproc_tui.core.program import ProgramCommand


@dataclass(frozen=True)
class AppOptions:
    start_method: str = "forkserver"
    level: int = logging.DEBUG
    sleep: float = 2.0
    refresh: float = 1.0
    max_log_lines: int = 10_000
    grace: float = 3.0
    keep: KeepOptions = field(default_factory=KeepOptions)  # --restart ..., --max-rss: n, d, N
    demo: bool = False
    workers: tuple[WorkerPlan, ...] = ()  # started at launch (--demo, --config, --target)
    program: ProgramCommand | None = None  # mproc-tui run: the program to watch
    program_start_method: str | None = None  # its default start method, if given
