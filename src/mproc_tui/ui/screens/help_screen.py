"""Every key of the app by area, generated from the bindings so it cannot fall out of date."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from mproc_tui.ui.keys import describe, key_text
from mproc_tui.ui.screens.click_away import ClickAwayModal

Section = tuple[str, list[tuple[str, str]]]  # a title, and rows of (keys, what they do)


def key_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """One row per action, keys first: keys that do the same thing share it."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        keys = key_text(binding)
        known = rows.setdefault(binding.action, ([], describe(binding)))
        if keys and keys not in known[0]:
            known[0].append(keys)
    return [(", ".join(keys), explanation) for keys, explanation in rows.values()]


class HelpScreen(ClickAwayModal[None]):
    DEFAULT_CSS = """
    #help-dialog {
        width: 90;
        max-height: 80%;
    }
    #help-hint {
        margin-top: 1;
        color: $text-muted;
    }
    #help-selection, #help-hint {
        width: 100%;  /* wrap inside the dialog instead of running off its edge */
    }
    .help-section {
        text-style: bold underline;
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close"),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label("Keys", id="help-title", classes="dialog-title")
            # One width for every section's keys, so all the explanations line up.
            key_width = max(len(keys) for _, rows in self.sections for keys, _ in rows)
            for title, rows in self.sections:
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
