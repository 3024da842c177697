"""Keys by area: who owns them, how the main screen reaches them, how help names them.

Textual looks for a key's binding in the focused widget, then its ancestors, the
screen and the app: a part's own ``BINDINGS`` answer only while the focus is inside
it. mproc-tui's keys work from anywhere on the main screen (``/`` searches the logs
while the table has the focus), so a part declares those keys apart, as its
``SCREEN_KEYS`` (its ``BINDINGS`` keep the keys that only make sense with the focus
in it, such as arrows), and the screen binds a copy of each (``lend``) that runs
the part's own action. The part's declaration stays the one definition: the footer,
the help screen and the command palette all read it, under the part's
``BINDING_GROUP_TITLE``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from textual.binding import Binding

# Where a key area's actions run, besides a widget of the screen (by its id):
SCREEN = ""  # the screen itself
APP = "app"  # the app

# The app's own keys; first on the main screen, so the footer never drops them.
APP_KEYS = [
    Binding("question_mark", "help", "Help", key_display="?", tooltip="Show every key"),
    Binding("q", "request_quit", "Quit", tooltip="Quit (asks about running workers)"),
    Binding("ctrl+q", "request_quit", "Quit", show=False, priority=True, tooltip="Quit"),
]
# The main screen's own keys: workers (and a watched program's processes).
WORKER_KEYS = [
    Binding("n", "spawn", "Spawn", tooltip="Spawn a worker (the built-in sleeper)"),
    Binding("d", "spawn_daemon", "Daemon", show=False, tooltip="Spawn a daemon worker"),
    Binding("N", "spawn_dialog", "Form", tooltip="Spawn workers of your choice (a form)"),
    Binding("k", "terminate", "Term", tooltip="Terminate the selected worker (SIGTERM)"),
    Binding("K", "kill", "Kill", tooltip="Kill the selected worker (SIGKILL)"),
    Binding(
        "T",
        "stop_all",
        "Stop all",
        show=False,
        tooltip="Stop all — SIGTERM every worker, SIGKILL after --grace",
    ),
    Binding("j", "join", "Join", tooltip="Join the selected worker (waits off the UI)"),
    Binding("J", "join_all", "Join all", show=False, tooltip="Join every worker"),
    Binding("s", "signal", "Signal", tooltip="Send any signal to the selected worker"),
    Binding("r", "restart", "Restart", tooltip="Restart the selected worker: stop it, start anew"),
    Binding("c", "clear_finished", "Clear", tooltip="Clear finished workers from the table"),
    Binding(
        "p",
        "stacks",
        "Stacks",
        show=False,
        tooltip="Where the selected worker is: each thread's Python stack",
    ),
    Binding(
        "v",
        "level",
        "Level",
        show=False,
        tooltip="The selected worker's log level, changed while it runs",
    ),
    Binding(
        "P",
        "toggle_primitives",
        "Primitives",
        show=False,
        tooltip="Locks and the like (workers' targets, a watched program): who holds, who waits",
    ),
    Binding(
        "S",
        "source",
        "Source",
        show=False,
        tooltip="The watched program's source: a lesson's code, beside what it does",
    ),
    Binding(
        "R",
        "rerun",
        "Rerun",
        show=False,
        tooltip="Rerun the watched program, once it has ended",
    ),
]
PALETTE_KEY = Binding(
    "ctrl+p",
    "command_palette",
    "Palette",
    tooltip="The command palette: every action by name, and themes",
)

KEY_NAMES = {
    "question_mark": "?",
    "ctrl+q": "Ctrl+Q",
    "ctrl+p": "Ctrl+P",
    "ctrl+r": "Ctrl+R",
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


def lend(part_id: str, bindings: Iterable[Binding]) -> list[Binding]:
    """Copies of a part's keys for its screen: each runs the part's action (``run_in``)."""
    return [replace(binding, action=lent_action(part_id, binding.action)) for binding in bindings]


def lent_action(part_id: str, action: str) -> str:
    """The screen's action that runs ``action`` on a part (a widget's id, SCREEN or APP)."""
    if part_id == SCREEN:
        return action
    if part_id == APP:
        return f"app.{action}"
    return f"run_in({part_id!r}, {action!r})"


@dataclass(frozen=True)
class KeyArea:
    """A group of keys under one title, and the part of the screen their actions run on."""

    title: str  # "Workers", "Table", "Logs", "App"
    part_id: str  # a widget's id on the screen, SCREEN or APP
    bindings: Sequence[Binding]

    def palette_title(self, binding: Binding) -> str:
        """``Logs: Search`` for the command palette: the area, then what the key does."""
        if self.title == "App":
            return describe(binding)
        return f"{self.title}: {describe(binding)}"


def describe(binding: Binding) -> str:
    """What the key does, as help and the palette say it: its tooltip."""
    return binding.tooltip or binding.description


def key_text(binding: Binding) -> str:
    """How the key is written for people: ``Shift+F3``, ``+``."""
    if binding.key_display:
        return binding.key_display
    names = [KEY_NAMES.get(part.strip(), part.strip()) for part in binding.key.split(",")]
    return ", ".join(name for name in names if name)
