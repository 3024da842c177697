"""Every key of the app by area, generated from the bindings so it cannot fall out of date."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from mproc_tui.ui.screens.click_away import ClickAwayModal

KEY_NAMES = {
    "question_mark": "?",
    "ctrl+q": "Ctrl+Q",
    "ctrl+p": "Ctrl+P",
    "escape": "Esc",
    "slash": "/",
    "f3": "F3",
    "shift+f3": "Shift+F3",
    "f15": "",  # what xterm-style terminals send for Shift+F3: same key, not another
    "end": "End",
    "home": "Home",
    "pageup": "Page Up",
    "up": "↑",
    "down": "↓",
    "enter": "Enter",
    "shift+enter": "Shift+Enter",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "equals_sign": "",  # the same key as + without Shift
}

# A tooltip "Log pane: search" files the key under "Logs", shown as "search".
AREAS = (("Table: ", "Table"), ("Log pane: ", "Logs"))
APP_ACTIONS = ("help", "request_quit", "command_palette")

Section = tuple[str, list[Binding]]


def describe_key(key: str) -> str:
    names = [KEY_NAMES.get(part.strip(), part.strip()) for part in key.split(",")]
    return ", ".join(name for name in names if name)


def _rows(bindings: list[Binding]) -> list[tuple[str, str]]:
    """One row per action, keys first: keys that do the same thing share it."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        keys = binding.key_display or describe_key(binding.key)
        known = rows.setdefault(binding.action, ([], _explain(binding)))
        if keys and keys not in known[0]:
            known[0].append(keys)
    return [(", ".join(keys), explanation) for keys, explanation in rows.values()]


def help_sections(app_bindings: Iterable[Binding], *pane_sections: Section) -> list[Section]:
    """Group the app's keys by area (Workers, Table, Logs, App), then the panes' own keys."""
    areas: dict[str, list[Binding]] = {"Workers": [], "Table": [], "Logs": [], "App": []}
    for binding in app_bindings:
        tooltip = binding.tooltip or ""
        area = next((name for prefix, name in AREAS if tooltip.startswith(prefix)), "Workers")
        if binding.action in APP_ACTIONS:
            area = "App"
        areas[area].append(binding)
    return [*((name, keys) for name, keys in areas.items() if keys), *pane_sections]


def _explain(binding: Binding) -> str:
    text = binding.tooltip or binding.description
    for prefix, _ in AREAS:
        text = text.removeprefix(prefix)
    return text[:1].upper() + text[1:]


def palette_title(binding: Binding) -> str:
    """``Logs: search`` for the command palette: the area, then what the key does."""
    tooltip = binding.tooltip or binding.description
    area = next((name for prefix, name in AREAS if tooltip.startswith(prefix)), "Workers")
    if binding.action in APP_ACTIONS:
        return _explain(binding)
    return f"{area}: {_explain(binding)}"


class HelpScreen(ClickAwayModal[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Label("Keys", id="help-title")
            tables = [(title, _rows(bindings)) for title, bindings in self.sections]
            # One width for every section's keys, so all the explanations line up.
            key_width = max(len(keys) for _, rows in tables for keys, _ in rows)
            for title, rows in tables:
                yield Label(title, classes="help-section")
                yield Static(self._table(rows, key_width))
            yield Label(
                "↑/↓ or a click selects a worker; a click on a header sorts by it. "
                "Tab moves between the table and the log pane.",
                id="help-selection",
            )
            yield Label("Esc, ? or q, or a click outside, closes this help.", id="help-hint")

    @staticmethod
    def _table(rows: list[tuple[str, str]], key_width: int) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold", min_width=max(12, key_width))
        table.add_column()
        for keys, explanation in rows:
            table.add_row(Text(keys), Text(explanation))
        return table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
