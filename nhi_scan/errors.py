"""Errors that become one-line messages for the user (never a traceback)."""

from __future__ import annotations

import re

#: A file's path longer than this is shortened in the middle in a message, keeping its start and file name.
MAX_SOURCE = 120
#: No error or warning line is longer than this (a CI log line, a report's warning).
MAX_LINE = 480
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


#: What a cut message keeps of its end: where it says what the failure costs ("(account not scanned)").
_KEPT_END = 80


def _cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, its middle cut: the start says what failed, the end what it costs."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - _KEPT_END - 1]}…{text[-_KEPT_END:]}"


#: Characters a message line never holds raw: controls (a newline would make it two lines, an escape would drive the
#: terminal), DEL, C1 controls and bidirectional overrides (which reorder what a reader sees).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control or bidirectional character escaped (``\\x1b``) and credential shapes redacted:
    a file's name is data too (an escape or a token in it reached stderr raw)."""
    from nhi_scan.redact import redact_text

    if _UNPRINTABLE.search(text):
        text = _UNPRINTABLE.sub(
            lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text
        )
    return redact_text(text, loose=True)


def bounded(line: str) -> str:
    """One message line bounded: a long file path leading it shortened (:func:`short_path`), and what follows the
    path cut in its middle to a budget of its own, so the same message reads the same whatever directory the file
    was in (the line is at most :data:`MAX_LINE` characters); nothing in it unprintable or secret
    (:func:`printable`)."""
    line = printable(line)
    match = _LEADING_PATH.match(line)
    if match is None:
        return _cut(line, MAX_LINE)
    path = match.group("path")
    return short_path(path) + _cut(line[match.end("path") :], MAX_LINE - MAX_SOURCE)


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
