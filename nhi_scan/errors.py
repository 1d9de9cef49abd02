"""Errors that become one-line messages for the user (never a traceback)."""

from __future__ import annotations


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
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            field = self.field if len(self.field) <= 120 else f"{self.field[:60]}…{self.field[-50:]}"  # keys from data
            return f"{where}: field {field}: {self.detail}"
        return f"{where}: {self.detail}"


class UsageError(NhiScanError):
    """The command line or configuration asks for something impossible."""
