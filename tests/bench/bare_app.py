"""The yardstick for start-up: a bare Textual app with the widgets mproc-tui shows."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Log


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Log()
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
