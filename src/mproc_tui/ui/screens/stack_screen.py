"""p on a worker: where each of its threads is, as tracebacks (``core/stacks.py``)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from mproc_tui.core.stack_text import (
    DEPTH_LIMIT,
    StackReport,
    format_report,
    start_up_words,
    thread_label,
)
from mproc_tui.core.text import plural, safe_text
from mproc_tui.ui.feedback import inform, warn
from mproc_tui.ui.screens.click_away import ClickAwayModal

StackReader = Callable[[], StackReport]


def report_text(report: StackReport) -> Text:
    """The report for the screen: literal text, threads bold, code beneath its line."""
    text = Text()
    if report.problem:
        return Text(safe_text(report.problem))
    for number, thread in enumerate(report.threads):
        if number:
            text.append("\n")
        style = "dim bold" if thread.own else "bold"
        text.append(f"Thread {safe_text(thread_label(thread))}\n", style=style)
        if thread.truncated:
            text.append(f"  … deeper than {DEPTH_LIMIT} frames: the oldest left out\n", "dim")
        if thread.hidden:
            text.append(f"  … {start_up_words(thread)}\n", style="dim")
        if not thread.frames:
            text.append("  (no Python frame)\n", style="dim")
        for frame in thread.frames[thread.hidden :]:
            line = frame.line if frame.line is not None else "?"
            text.append(f'  File "{safe_text(frame.path)}", line {line}, in ', style="dim")
            text.append(f"{safe_text(frame.function)}\n", style="bold")
            if frame.source:
                text.append(f"    {safe_text(frame.source)}\n")
    if report.more_threads:
        text.append(f"\n… over {DEPTH_LIMIT} threads: the rest left out\n", style="dim")
    return text


def title_of(report: StackReport) -> str:
    shown = f", {plural(len(report.threads), 'thread')}" if report.threads else ""
    return f"Stacks of {safe_text(report.name)} (PID {report.pid}){shown}"


class StackScreen(ClickAwayModal[None]):
    """Reads the stacks as it opens (off the event loop), and again on ``r``."""

    DEFAULT_CSS = """
    #stack-dialog {
        width: 95%;
        max-height: 90%;
    }
    #stack-title {
        text-style: bold;
        margin-bottom: 1;
    }
    #stack-hint {
        margin-top: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("s", "save", "Save", tooltip="Save the stacks to a file"),
        Binding("r", "read", "Read again", tooltip="Read the stacks again"),
    ]

    def __init__(self, reader: StackReader, name: str) -> None:
        super().__init__()
        self._reader = reader
        self._process_name = name
        self.report: StackReport | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stack-dialog", classes="dialog"):
            yield Label(f"Stacks of {safe_text(self._process_name)}", id="stack-title")
            yield Static(Text("Reading the stacks…"), id="stack-body")
            yield Label("s saves them to a file · r reads them again · Esc closes", id="stack-hint")

    def on_mount(self) -> None:  # (Textual runs Dialog's own on_mount as well)
        self.action_read()

    def action_read(self) -> None:
        self.query_one("#stack-body", Static).update(Text("Reading the stacks…"))
        self.read_stacks()

    @work(thread=True, exclusive=True, group="stacks")
    def read_stacks(self) -> None:
        report = self._reader()
        self.app.call_from_thread(self._show, report)

    def _show(self, report: StackReport) -> None:
        self.report = report
        self.query_one("#stack-title", Label).update(Text(title_of(report)))
        self.query_one("#stack-body", Static).update(report_text(report))

    def action_save(self) -> None:
        if self.report is None or self.report.problem:
            warn(self, "No stacks to save.")
            return
        self.save(self.report)

    @work(thread=True, group="stacks-save")
    def save(self, report: StackReport) -> None:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", report.name).strip("_") or "worker"
        moment = time.strftime("%Y%m%d-%H%M%S", time.localtime(report.taken_at))
        path = os.path.abspath(f"mproc-tui-stacks-{stem}-{moment}.txt")
        try:
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(format_report(report))
        except OSError as error:
            warn(self, f"Could not save the stacks: {error}")
            return
        inform(self, f"Saved the stacks of {report.name} to {path}")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
