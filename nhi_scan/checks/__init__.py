"""Checks: one module per check, the module name is the check id with underscores.

Each module exposes ``CHECK`` (a :class:`Check`); :func:`all_checks` finds them by discovery.
"""

from __future__ import annotations

from functools import cache

from nhi_scan.checks._base import Check, CheckContext, fingerprint
from nhi_scan.discovery import iter_modules

__all__ = ["Check", "CheckContext", "all_checks", "fingerprint"]


@cache
def all_checks() -> tuple[Check, ...]:
    found: list[Check] = []
    for module in iter_modules(__name__):
        check = getattr(module, "CHECK", None)
        if not isinstance(check, Check):
            raise TypeError(f"{module.__name__} has no CHECK of type Check")
        expected = module.__name__.rsplit(".", 1)[1].replace("_", "-")
        if check.id != expected:
            raise ValueError(f"{module.__name__}: check id {check.id!r} must equal its module slug {expected!r}")
        found.append(check)
    return tuple(sorted(found, key=lambda c: c.id))
