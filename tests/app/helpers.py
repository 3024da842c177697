"""Read what the user sees, and wait for it, in app tests."""

from __future__ import annotations

import html
import re

import psutil
from textual.pilot import Pilot

from mproc_tui.core.supervisor import WorkerSpec
from mproc_tui.ui.app import MprocApp
from mproc_tui.ui.options import AppOptions
from mproc_tui.ui.widgets.log_pane import LogPane
from tests.support.waiting import wait_for

SIZE = (160, 48)


def make_app(**options: object) -> MprocApp:
    settings: dict[str, object] = {"refresh": 0.2, "sleep": 30.0, "grace": 1.0}
    settings.update(options)
    return MprocApp(AppOptions(**settings))  # type: ignore[arg-type]


def table_rows(app: MprocApp) -> list[dict[str, str]]:
    """The table as the user reads it: column key -> visible text, top to bottom."""
    return app.main_screen.worker_table.row_texts()


def log_lines(app: MprocApp) -> list[str]:
    return list(app.main_screen.log_view.pane.lines)


def log_pane(app: MprocApp) -> LogPane:
    return app.main_screen.log_view.pane


def logged(app: MprocApp, text: str) -> bool:
    return any(text in line for line in log_lines(app))


def toasts(app: MprocApp, severity: str | None = None) -> list[str]:
    """The notifications raised so far (Textual keeps them in a private list: read here only)."""
    return [
        notification.message
        for notification in app._notifications
        if severity is None or notification.severity == severity
    ]


async def wait_toast(pilot: Pilot[None], app: MprocApp, text: str) -> None:
    await wait_for(pilot, lambda: any(text in toast for toast in toasts(app)), f"a toast {text!r}")


async def wait_rows(pilot: Pilot[None], app: MprocApp, count: int) -> list[dict[str, str]]:
    await wait_for(
        pilot,
        lambda: len(table_rows(app)) == count and all(r["pid"] for r in table_rows(app)),
        f"{count} rows with PIDs",
    )
    return table_rows(app)


async def wait_state(
    pilot: Pilot[None], app: MprocApp, row: int, column: str, expected: str
) -> None:
    def matches() -> bool:
        rows = table_rows(app)
        return len(rows) > row and rows[row][column] == expected

    await wait_for(pilot, matches, f"row {row} {column} == {expected!r} (rows: {table_rows(app)})")


def screen_text(app: MprocApp) -> str:
    """The screen as plain text, from the app's own SVG screenshot: one line per row, each
    piece of text at its column (a run of spaces is not drawn as text, only as a gap)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    pieces = re.findall(
        r'<text class="terminal-[^"]*-r[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>', svg
    )
    for x, y, text in pieces:
        rows.setdefault(float(y), []).append((float(x), html.unescape(text)))
    lines = []
    for _, parts in sorted(rows.items()):
        line = ""
        for x, text in sorted(parts):
            line = line.ljust(round(x / CELL_WIDTH)) + text
        lines.append(line.replace("\xa0", " "))
    return "\n".join(lines)


CELL_WIDTH = 12.2  # pixels a cell in Textual's screenshots


def gone(pid: int) -> bool:
    """The process has ended (a zombie only awaits its reaper)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def open_quit_dialog(pilot: Pilot[None], app: MprocApp) -> None:
    """Press q and wait until the quit dialog asks."""
    from mproc_tui.ui.screens.quit_screen import QuitScreen

    await pilot.press("q")
    await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), "the quit dialog")


def start_flood(app: MprocApp, **flood: float) -> LogPane:
    """One worker logging numbered 20-character records; the pane that shows them."""
    flood.setdefault("message_size", 20)
    app.main_screen.spawn_workers([WorkerSpec(target="mproc_tui.catalog:flood", kwargs=flood)])
    return app.query_one(LogPane)
