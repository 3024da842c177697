"""Regenerate screenshots/ from the real app: ``python -m tests.support.make_screenshots``.

The app exports its own SVG (Textual's screenshot export): the main screen during
``--demo`` and the quit dialog.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.screens.quit_screen import QuitScreen
from mproc_tui.ui.widgets.log_pane import LogPane
from mproc_tui.ui.widgets.worker_table import WorkerTable

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SIZE = (120, 34)


async def _until(pilot: object, predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the app never reached the scene")
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def make_screenshots() -> list[Path]:
    SCREENSHOTS.mkdir(exist_ok=True)
    app = MprocApp(AppOptions(demo=True, sleep=4.0, refresh=0.25))
    written: list[Path] = []
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(WorkerTable)
        logs = app.query_one(LogPane)

        def lesson_started() -> bool:
            states = [row["state"] for row in table.row_texts()]
            started = sum(": start" in line for line in logs.lines)
            return len(states) == 2 and set(states) == {"sleeping"} and started == 2

        await _until(pilot, lesson_started)
        await pilot.pause(1.2)  # let CPU % and uptime read like a live session
        written.append(Path(app.save_screenshot("main-demo.svg", str(SCREENSHOTS))))
        await pilot.press("q")
        await _until(pilot, lambda: isinstance(app.screen, QuitScreen))
        # The daemon was terminated before the question: let its row say so.
        await _until(pilot, lambda: table.row_texts()[0]["exit"] == "-15 SIGTERM")
        written.append(Path(app.save_screenshot("quit-dialog.svg", str(SCREENSHOTS))))
        await pilot.press("t")
        await _until(pilot, lambda: not app.is_running)
    return written


if __name__ == "__main__":
    for path in asyncio.run(make_screenshots()):
        print(path)
