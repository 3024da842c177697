"""Which log lines are shown and which are found: plain data and pure functions, no Textual."""

from __future__ import annotations

import logging
import operator
import re
from dataclasses import dataclass, field
from functools import cached_property

from mproc_tui.core.records import LogEntry, Record
from mproc_tui.core.text import safe_text

# Records are kept as plain tuples (``Record``): their fields by position.
_WORKER_ID = LogEntry._fields.index("worker_id")
_LEVEL = LogEntry._fields.index("level")
_LOGGER_NAME = LogEntry._fields.index("logger_name")
# What an exclusion looks in: the fields a line shows, without formatting the line
# (formatting costs 4-5 us a record, too much to do for every record of a flood).
_SEARCHED = operator.itemgetter(
    *(
        LogEntry._fields.index(name)
        for name in ("message", "process_name", "level_name", "logger_name", "traceback")
    )
)
ROOT_LOGGER = "root"


def logger_name_of(record: Record) -> str:
    name = record[_LOGGER_NAME]
    return name if isinstance(name, str) else str(name)


@dataclass(frozen=True)
class LogFilter:
    """Which lines the pane shows: a minimum level, some workers, a logger, and a text to hide.

    ``workers`` None shows every worker's lines; ``logger`` keeps that logger's records
    and its children's (``app`` keeps ``app.db``), as logging's own hierarchy does;
    ``exclude`` hides a record it matches in its message, worker name, level, logger or
    traceback (text in any case, or a regular expression).
    """

    min_level: int = 0
    workers: frozenset[int] | None = None
    workers_label: str = ""  # "Process-1" or "3 marked workers", for the title
    logger: str | None = None
    exclude: SearchQuery = field(default_factory=lambda: SearchQuery())

    @property
    def active(self) -> bool:
        return (
            self.min_level > logging.DEBUG
            or self.workers is not None
            or self.logger is not None
            or bool(self.exclude)
        )

    def keeps(self, record: Record) -> bool:
        level = record[_LEVEL]
        if isinstance(level, int) and level < self.min_level:
            return False
        if self.workers is not None and record[_WORKER_ID] not in self.workers:
            return False
        if self.logger is not None and not _under(logger_name_of(record), self.logger):
            return False
        if self.exclude:
            matches = self.exclude.matches
            return not any(matches(text) for text in map(str, _SEARCHED(record)) if text)
        return True

    def describe(self) -> list[str]:
        shown = []
        if self.min_level > logging.DEBUG:
            shown.append(f"level ≥ {logging.getLevelName(self.min_level)}")
        if self.workers is not None:
            shown.append(f"{safe_text(self.workers_label)} only")
        if self.logger is not None:
            shown.append(f"logger {safe_text(self.logger)}")
        if self.exclude:
            shown.append(f"hiding {self.exclude.describe(kind='')}")
        return shown


def _under(name: str, logger: str) -> bool:
    return name == logger or (logger != ROOT_LOGGER and name.startswith(logger + "."))


@dataclass(frozen=True)
class SearchQuery:
    """What the search box asks for: text in any case, or a regular expression.

    A pattern that does not compile is no query at all (``pattern`` None) and says why
    in ``error``: the box shows it, and nothing else changes.
    """

    text: str = ""
    regex: bool = False

    @cached_property
    def _compiled(self) -> tuple[re.Pattern[str] | None, str]:
        if not self.text:
            return None, ""
        if not self.regex:
            return re.compile(re.escape(self.text), re.IGNORECASE), ""
        try:
            return re.compile(self.text, re.IGNORECASE), ""
        except (re.error, RecursionError, OverflowError) as error:
            return None, f"bad pattern: {error}"

    @property
    def pattern(self) -> re.Pattern[str] | None:
        return self._compiled[0]

    @property
    def error(self) -> str:
        return self._compiled[1]

    def __bool__(self) -> bool:
        return self.pattern is not None

    def matches(self, line: str) -> bool:
        pattern = self.pattern
        return pattern is not None and pattern.search(line) is not None

    def describe(self, kind: str = "search") -> str:
        """``search 'disk'``, ``regex 'd.sk'``; a plain text as ``kind`` says."""
        return f"{'regex' if self.regex else kind} '{safe_text(self.text)}'".lstrip()


def search_and_exclusion(typed: str, regex: bool) -> tuple[SearchQuery, SearchQuery]:
    """What the search box's text means: ``!text`` hides the lines it matches; anything
    else is searched for (highlighted, stepped through)."""
    if typed.startswith("!"):
        return SearchQuery(), SearchQuery(typed[1:], regex)
    return SearchQuery(typed, regex), SearchQuery()
