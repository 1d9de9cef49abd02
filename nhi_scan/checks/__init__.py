"""Checks: one module per check, the module name is the check id with underscores.

Each module exposes ``CHECK`` (a :class:`Check`); :func:`all_checks` finds them by discovery: the neutral checks
here, which serve every cloud, and each provider plug-in's own (``ProviderPlugin.checks_package``), which declare
their cloud and see only its subjects.
"""

from __future__ import annotations

from functools import cache

from nhi_scan.checks._base import Check, CheckContext, fingerprint
from nhi_scan.discovery import iter_modules

__all__ = ["Check", "CheckContext", "all_checks", "fingerprint"]


def _checks_in(package: str) -> list[Check]:
    found: list[Check] = []
    for module in iter_modules(package):
        if not hasattr(module, "CHECK") and hasattr(module, "__path__"):
            continue  # a provider's sub-package of checks (checks/aws): found through its plug-in
        check = getattr(module, "CHECK", None)
        if not isinstance(check, Check):
            raise TypeError(f"{module.__name__} has no CHECK of type Check")
        expected = module.__name__.rsplit(".", 1)[1].replace("_", "-")
        if check.id != expected:
            raise ValueError(f"{module.__name__}: check id {check.id!r} must equal its module slug {expected!r}")
        found.append(check)
    return found


@cache
def all_checks() -> tuple[Check, ...]:
    from nhi_scan.providers import all_providers

    found = [c for c in _checks_in(__name__) if _neutral(c)]
    for plugin in all_providers():
        if plugin.checks_package is None:
            continue
        for check in _checks_in(plugin.checks_package):
            if plugin.id not in check.providers:
                raise ValueError(
                    f"check {check.id!r} of provider {plugin.id!r} must declare providers=({plugin.id!r},)"
                )
            found.append(check)
    ids = [c.id for c in found]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"check ids registered twice: {', '.join(duplicated)}")
    return tuple(sorted(found, key=lambda c: c.id))


def _neutral(check: Check) -> Check:
    if check.providers:
        raise ValueError(f"neutral check {check.id!r} names providers: move it to its provider's checks package")
    return check
