"""N: a form for what to spawn. Nothing is spawned until every field is valid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from mproc_tui.catalog import BUILT_INS
from mproc_tui.core.plan_error import PlanError
from mproc_tui.core.plan_options import KeepOptions, keep_options
from mproc_tui.core.restart_policy import Restart
from mproc_tui.core.target_reference import TargetError
from mproc_tui.core.text import safe_text
from mproc_tui.core.worker_plan import (
    LEVEL_NAMES,
    WorkerPlan,
    check_picklable,
    make_plan,
    parse_args,
    parse_count,
    parse_kwargs,
    parse_level,
)
from mproc_tui.core.workers import START_METHODS
from mproc_tui.ui.screens.dialog import Dialog

TargetCheck = Callable[[str], None]


def _field(label: str, widget: Widget) -> Vertical:
    """A labelled field: the label stays visible once the field is filled."""
    return Vertical(Label(label, classes="field-label"), widget, classes="spawn-field")


def _start_methods(default: str) -> Select[str]:
    options = [(method, method) for method in START_METHODS]
    return Select(options, value=default, allow_blank=False, id="start-method")


def _restarts(default: Restart) -> Select[str]:
    options = [(mode.value, mode.value) for mode in Restart]
    return Select(options, value=default.value, allow_blank=False, id="restart")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _levels() -> Select[str]:
    """Blank: the app's ``--level``; a level chosen here is this worker's from its start."""
    options = [(name, name) for name in LEVEL_NAMES]
    return Select(options, prompt="as --level", id="level")


class SpaceToggleCheckbox(Checkbox, inherit_bindings=False):
    """Space toggles; Enter is left to the form, where it means "spawn"."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]


class SpawnScreen(Dialog[WorkerPlan | None]):
    """Target, args, kwargs, name, daemon, count, start method and log level; errors inline."""

    DEFAULT_CSS = """
    #spawn-dialog {
        width: 84;
    }
    .spawn-row {
        height: auto;
    }
    .spawn-row > Input, .spawn-row > Select, .spawn-field {
        width: 1fr;
        height: auto;
    }
    .spawn-row > Select {
        width: 24;
    }
    .field-label {
        color: $text-muted;
        padding: 0 1;
    }
    #spawn-error {
        height: auto;
        min-height: 1;
        margin: 1 0 0 0;
    }
    #spawn-buttons {
        margin-top: 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "submit", "Spawn", show=False),
    ]

    def __init__(
        self, start_method: str, check_target: TargetCheck, keep: KeepOptions | None = None
    ) -> None:
        super().__init__()
        self.start_method = start_method
        self.check_target = check_target
        self.keep = keep or KeepOptions()  # the command line's: the form starts from them

    def compose(self) -> ComposeResult:
        with Vertical(id="spawn-dialog", classes="dialog"):
            yield Label("Spawn workers", id="spawn-title", classes="dialog-title")
            yield Label("Target: a built-in, or type package.module:function / file.py:function")
            with Horizontal(classes="spawn-row"):
                yield Select(
                    [(name, name) for name in BUILT_INS], prompt="Built-ins…", id="built-in"
                )
                yield Input(
                    placeholder="e.g. flood or path/to/file.py:func",
                    suggester=SuggestFromList(BUILT_INS),
                    id="target",
                )
            with Horizontal(classes="spawn-row"):
                yield _field("Args (a list)", Input(placeholder="[2]", id="args"))
                yield _field("Kwargs (a dict)", Input(placeholder='{"n": 3}', id="kwargs"))
            with Horizontal(classes="spawn-row"):
                yield _field("Name", Input(placeholder="Process-N", id="name"))
                yield _field("Count", Input(value="1", id="count"))
            with Horizontal(classes="spawn-row"):
                yield _field("Start method", _start_methods(self.start_method))
                yield _field("Log level", _levels())
                yield _field("Daemon (space)", SpaceToggleCheckbox("daemon", id="daemon"))
            policy = self.keep.restart
            with Horizontal(classes="spawn-row"):
                yield _field("Restart", _restarts(policy.restart))
                yield _field(
                    "Max restarts",
                    Input(_number(policy.max_restarts), placeholder="no limit", id="max-restarts"),
                )
                yield _field("Back-off (s)", Input(_number(policy.backoff), id="backoff"))
                yield _field(
                    "Back-off max (s)", Input(_number(policy.backoff_max), id="backoff-max")
                )
            yield Static("", id="spawn-error")
            with Horizontal(id="spawn-buttons", classes="buttons"):
                yield Button("Spawn (Enter)", id="spawn", variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#target", Input).focus()

    @on(Select.Changed, "#built-in")
    def _built_in_chosen(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self.query_one("#target", Input).value = str(event.value)
            # On to the next field: Enter there spawns, where on the list it reopens it.
            self.query_one("#args", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#spawn")
    def action_submit(self) -> None:
        try:
            plan = self._plan()
        except PlanError as error:
            self._show_error(str(error))
            return
        self._show_error("checking the target…", style="italic")
        self._check_then_spawn(plan)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()

    def _plan(self) -> WorkerPlan:
        target = self._value("#target")
        if not target:
            raise PlanError("a target is required: choose a built-in or type one")
        method = str(self.query_one("#start-method", Select).value)
        level = self.query_one("#level", Select).value
        plan = make_plan(
            target,
            parse_args(self._value("#args") or "[]"),
            parse_kwargs(self._value("#kwargs") or "{}"),
            self._value("#name") or None,
            self.query_one("#daemon", Checkbox).value,
            parse_count(self._value("#count") or "1"),
            None if level is Select.NULL else parse_level(level),
        )
        policy = keep_options(self._keep_values(), self.keep).restart
        if not self._value("#max-restarts"):
            policy = replace(policy, max_restarts=None)
        spec = replace(plan.spec, start_method=method, restart=policy, max_rss=self.keep.max_rss)
        plan = WorkerPlan(spec=spec, count=plan.count)
        check_picklable(plan, method)
        return plan

    def _keep_values(self) -> dict[str, object]:
        """The restart fields as typed; a blank max means no limit, a blank delay the default."""
        values: dict[str, object] = {"restart": str(self.query_one("#restart", Select).value)}
        for key, selector in (("backoff", "#backoff"), ("backoff_max", "#backoff-max")):
            if text := self._value(selector):
                values[key] = text
        if text := self._value("#max-restarts"):
            values["max_restarts"] = text
        return values

    @work(thread=True, exclusive=True)
    def _check_then_spawn(self, plan: WorkerPlan) -> None:
        """The target check imports user code in a subprocess: off the event loop."""
        try:
            self.check_target(plan.spec.target)
        except TargetError as error:
            self.app.call_from_thread(self._show_error, str(error))
            return
        self.app.call_from_thread(self.dismiss, plan)

    def _show_error(self, message: str, style: str = "bold red") -> None:
        self.query_one("#spawn-error", Static).update(Text(safe_text(message), style=style))
