"""What the user chose last time (theme, table/log split, columns), kept between runs.

Stored as JSON in ``$XDG_CONFIG_HOME/mproc-tui/settings.json`` (``~/.config`` when
unset). A missing, unreadable or malformed file means the defaults: settings are a
convenience and must never stop the app from starting.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

SPLIT_RANGE = (1, 9)  # the table's share of the height, in tenths


@dataclass(frozen=True)
class Settings:
    theme: str = "textual-dark"
    table_share: int = 4  # tenths of the height for the table; the log pane has the rest
    hidden_columns: list[str] = dataclasses.field(
        default_factory=list
    )  # the table's, turned off (C)

    def with_share(self, step: int) -> Settings:
        low, high = SPLIT_RANGE
        return replace(self, table_share=max(low, min(high, self.table_share + step)))


def settings_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mproc-tui" / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    defaults = Settings()
    chosen: dict[str, object] = {}
    for field in fields(Settings):
        value = data.get(field.name)
        if isinstance(value, type(getattr(defaults, field.name))):
            chosen[field.name] = value
    hidden = chosen.get("hidden_columns")
    if isinstance(hidden, list):
        chosen["hidden_columns"] = [key for key in hidden if isinstance(key, str)]
    settings = replace(defaults, **chosen)  # type: ignore[arg-type]
    return settings.with_share(0)  # a share out of range comes back into it


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically; a read-only or full disk loses the setting, nothing else."""
    path = path or settings_path()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
        temporary.replace(path)
