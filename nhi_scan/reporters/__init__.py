"""Reporters: one module per output format, each exposing ``REPORTER``; found by discovery."""

from __future__ import annotations

from functools import cache

from nhi_scan.discovery import iter_modules
from nhi_scan.reporters._base import Reporter, ReportOptions

__all__ = ["ReportOptions", "Reporter", "all_reporters", "get_reporter"]


@cache
def all_reporters() -> dict[str, Reporter]:
    found: dict[str, Reporter] = {}
    for module in iter_modules(__name__):
        reporter = getattr(module, "REPORTER", None)
        if not isinstance(reporter, Reporter):
            raise TypeError(f"{module.__name__} has no REPORTER of type Reporter")
        found[reporter.name] = reporter
    return found


def get_reporter(name: str) -> Reporter:
    reporters = all_reporters()
    if name not in reporters:
        raise KeyError(f"unknown format {name!r} (choose from: {', '.join(sorted(reporters))})")
    return reporters[name]
