"""What a reporter is: a name and a function writing a ScanResult to a text stream."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from nhi_scan.model import ScanResult


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportOptions:
    verbose: bool = False
    #: Colour and terminal width: only when writing to a terminal.
    color: bool = False
    width: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reporter:
    name: str
    description: str
    suffix: str
    write: Callable[[ScanResult, ReportOptions, TextIO], None]
