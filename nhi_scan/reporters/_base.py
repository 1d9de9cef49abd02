"""What a reporter is: a name and a function writing a ScanResult to a text stream."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from nhi_scan.model import ScanResult, Severity


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportOptions:
    verbose: bool = False
    #: Colour and terminal width: only when writing to a terminal.
    color: bool = False
    width: int | None = None
    #: Show suppressed and baselined findings too (the JSON report always has them, marked).
    show_suppressed: bool = False
    #: SARIF: artifact URIs are made relative to this directory (default: the current directory).
    sarif_base: Path | None = None
    #: SARIF: the file a result points at when the input that defined its identity is unknown.
    sarif_anchor: str | None = None
    #: Check id -> severity set by the configuration, so rule metadata (SARIF) matches the findings.
    rule_severity: Mapping[str, Severity] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reporter:
    name: str
    description: str
    suffix: str
    write: Callable[[ScanResult, ReportOptions, TextIO], None]
