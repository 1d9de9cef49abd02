"""Errors that become one-line messages for the user (never a traceback)."""

from __future__ import annotations

import re

#: A file's path longer than this is shortened in the middle in a message, keeping its start and file name.
MAX_SOURCE = 120
#: No error or warning line is longer than this (a CI log line, a report's warning).
MAX_LINE = 320
_LEADING_PATH = re.compile(r"^(?P<path>[^:\s]*[/\\][^:]*?)(?=(?::\d+)?: )")


def short_path(path: str) -> str:
    """``path`` in at most :data:`MAX_SOURCE` characters: the middle of the directories is cut, the file name and
    the directories nearest it kept, since those say which file it is (a CI checkout's prefix does not)."""
    if len(path) <= MAX_SOURCE:
        return path
    sep = "/" if "/" in path else "\\"
    *directories, name = path.split(sep)
    if len(name) > MAX_SOURCE // 2:
        name = f"{name[: MAX_SOURCE // 4]}…{name[-(MAX_SOURCE // 4) :]}"
    tail = sep + name
    for directory in reversed(directories[1:]):
        if len(tail) + len(directory) + 1 > MAX_SOURCE - 30:
            break
        tail = sep + directory + tail
    return f"{sep.join(directories)[: MAX_SOURCE - len(tail) - 1]}…{tail}"


def bounded(line: str) -> str:
    """One message line bounded: a long file path leading it shortened (:func:`short_path`), then the line cut at
    :data:`MAX_LINE` characters."""
    match = _LEADING_PATH.match(line)
    if match is not None and len(match.group("path")) > MAX_SOURCE:
        line = short_path(match.group("path")) + line[match.end("path") :]
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…"


class NhiScanError(Exception):
    """Base of every error the CLI reports as one line with exit code 2."""


class InputError(NhiScanError):
    """An input file (or live response) that cannot be used, naming where and why."""

    def __init__(self, source: str, detail: str, *, field: str | None = None, line: int | None = None) -> None:
        from nhi_scan.redact import redact_text

        self.source = source
        self.detail = redact_text(detail, loose=True)  # whatever built the detail, a credential in it is never shown
        self.field = field
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as one bounded line (:func:`bounded`): file (shortened in the middle if long), line, field."""
        where = short_path(self.source)
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            field = self.field if len(self.field) <= 120 else f"{self.field[:60]}…{self.field[-50:]}"  # keys from data
            return bounded(f"{where}: field {field}: {self.detail}")
        return bounded(f"{where}: {self.detail}")


class UsageError(NhiScanError):
    """The command line or configuration asks for something impossible."""
