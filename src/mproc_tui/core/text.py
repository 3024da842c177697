"""Formatting helpers shared by every view: safe text, exit codes, sizes, durations."""

from __future__ import annotations

import functools
import math
import signal
import time
from collections.abc import Sequence

from mproc_tui.core.records import LogEntry


def _control_character_table() -> dict[int, str]:
    """Map every C0 control (except tab), DEL and C1 control to a visible escape."""
    table: dict[int, str] = {}
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        table[code] = f"\\x{code:02x}"
    table[ord("\t")] = "    "
    # Unicode line/paragraph separators would split a line inside a widget.
    table[0x2028] = "\\u2028"
    table[0x2029] = "\\u2029"
    return table


_CONTROL_CHARACTERS = _control_character_table()


def safe_text(text: str) -> str:
    """Return ``text`` with control characters made visible.

    Widgets keep markup literal when given plain text, but ESC, OSC and C1 bytes
    reach the terminal raw (``\\x1b[2J`` clears the screen). Every string a worker
    or a user chose goes through here before it reaches a widget. Lone surrogates
    are replaced because no terminal can draw them.
    """
    cleaned = text.translate(_CONTROL_CHARACTERS)
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError:
        cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    return cleaned


def plural(count: int, noun: str) -> str:
    """``plural(1, "worker")`` -> ``1 worker``; ``plural(2, "process")`` -> ``2 processes``."""
    if count == 1:
        return f"{count} {noun}"
    ending = "es" if noun.endswith(("s", "x", "ch", "sh")) else "s"
    return f"{count:,} {noun}{ending}"


def signal_name(number: int) -> str:
    """``15`` -> ``SIGTERM``; unknown numbers keep their number."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def format_exit_code(exit_code: int | None) -> str:
    """``-15`` -> ``-15 SIGTERM``: a negative exit code means the signal that ended it."""
    if exit_code is None:
        return ""
    if exit_code < 0:
        return f"{exit_code} {signal_name(-exit_code)}"
    return str(exit_code)


def format_bytes(size: int | None) -> str:
    """Human-readable size with binary units, as htop shows RSS."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "K", "M", "G"):
        if value < 1024 or unit == "G":
            return f"{value:.0f}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1024
    return f"{value:.1f}T"


def format_duration(seconds: float | None) -> str:
    """Uptime as ``M:SS`` or ``H:MM:SS``."""
    if seconds is None:
        return ""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


LOG_PREFIX_WIDTH = 22  # "HH:MM:SS.mmm LEVEL    "


def _clock(created: float, dated: bool = False) -> str:
    """``HH:MM:SS.mmm`` (``YYYY-MM-DD HH:MM:SS.mmm`` dated); a timestamp no clock can
    show becomes question marks."""
    try:
        second = math.floor(created)
        return f"{_wall_clock(second, dated)}.{int((created - second) * 1000):03d}"
    except (OverflowError, ValueError, OSError, TypeError):
        return "????-??-?? ??:??:??.???" if dated else "??:??:??.???"


@functools.lru_cache(maxsize=256)
def _wall_clock(second: int, dated: bool) -> str:
    """``HH:MM:SS`` of a second: a flood's records share a few (strftime is 3 us a call)."""
    return time.strftime("%Y-%m-%d %H:%M:%S" if dated else "%H:%M:%S", time.localtime(second))


def _body(entry: LogEntry) -> str:
    """The message then the traceback; an empty message adds no blank line."""
    if not entry.traceback:
        return entry.message
    return f"{entry.message}\n{entry.traceback}" if entry.message else entry.traceback


def record_body_lines(entry: LogEntry) -> list[str]:
    """The body, one item per display line (never empty)."""
    return _body(entry).replace("\r\n", "\n").split("\n")


def display_line_count(entry: LogEntry) -> int:
    """How many lines ``format_log_lines`` gives, without formatting them."""
    return _body(entry).count("\n") + 1


CAPTURED_STREAMS = ("stdout", "stderr")  # a worker's prints: always named on its lines


def format_log_lines(entry: LogEntry, logger: bool = False, dated: bool = False) -> list[str]:
    """Render a record as display lines: a prefixed first line, then continuation lines.

    The prefix is ``HH:MM:SS.mmm LEVEL    name: message`` so the lesson's
    ``Process-1: start`` reads as it does with ``%(processName)s: %(message)s``; with
    ``logger``, a logger other than the root one follows the name (``Process-1 [app.db]``),
    as captured prints always do (``[stdout]``); ``dated`` puts the date first.
    Every field is made safe, and a malformed record gives a readable line, not an error.
    """
    try:
        clock = _clock(entry.created, dated)
        prefix = f"{clock} {safe_text(str(entry.level_name)):<8.8} "
        message_lines = record_body_lines(entry)
        name = safe_text(str(entry.process_name))
        logger_name = entry.logger_name
        if logger_name in CAPTURED_STREAMS or (logger and logger_name and logger_name != "root"):
            name = f"{name} [{safe_text(str(logger_name))}]"
    except Exception as error:
        return [f"<unreadable record from worker {entry[0]!r}: {type(error).__name__}>"]
    lines = [f"{prefix}{name}: {safe_text(message_lines[0])}"]
    indent = " " * len(prefix)
    lines.extend(f"{indent}{safe_text(line)}" for line in message_lines[1:])
    return lines


_SPARK_LEVELS = "▁▂▃▄▅▆▇█"


def sparkline(readings: Sequence[float], width: int = 15, per_cell: int = 4) -> str:
    """CPU readings as block characters, newest at the right; one cell per ``per_cell``.

    Each cell shows the busiest reading in its group, so a short burst still shows.
    The scale is 0-100 % (a multi-threaded worker above that fills the cell). It
    grows by a cell every ``per_cell`` readings until ``width`` cells.
    """
    recent = list(readings)[-width * per_cell :]
    if not recent:
        return ""
    first = len(recent) % per_cell
    groups = [recent[:first]] if first else []
    groups += [recent[start : start + per_cell] for start in range(first, len(recent), per_cell)]
    top = len(_SPARK_LEVELS) - 1
    cells = []
    for group in groups:
        peak = max(0.0, min(100.0, max(group)))
        cells.append(_SPARK_LEVELS[round(peak / 100.0 * top)])
    return "".join(cells)
