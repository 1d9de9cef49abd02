"""The registry of provider plug-ins: every module or package here exposing ``PROVIDER`` (a ``ProviderPlugin``),
plus those installed by other distributions under the ``nhi_scan.providers`` entry-point group.

Adding a cloud is adding one module or package here (or installing one): nothing else is edited.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from nhi_scan.discovery import iter_modules
from nhi_scan.errors import NhiScanError
from nhi_scan.model import Provider
from nhi_scan.plugin import ProviderPlugin

ENTRY_POINT_GROUP = "nhi_scan.providers"


@cache
def all_providers() -> tuple[ProviderPlugin, ...]:
    """Every registered provider, by id."""
    found: dict[Provider, ProviderPlugin] = {}
    candidates: list[tuple[str, object]] = [
        (module.__name__, getattr(module, "PROVIDER", None)) for module in iter_modules(__name__)
    ]
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        candidates.append((f"entry point {entry.name}", entry.load()))
    for where, plugin in candidates:
        if not isinstance(plugin, ProviderPlugin):
            raise TypeError(f"{where} has no PROVIDER of type ProviderPlugin")
        if plugin.id in found:
            raise ValueError(f"{where}: provider id {plugin.id!r} is registered twice")
        found[plugin.id] = plugin
    return tuple(found[key] for key in sorted(found))


def provider(provider_id: Provider) -> ProviderPlugin:
    """The plug-in of a provider id; NhiScanError for an id no plug-in registers (e.g. from an old report)."""
    for plugin in all_providers():
        if plugin.id == provider_id:
            return plugin
    known = ", ".join(p.id for p in all_providers())
    raise NhiScanError(f"unknown provider {provider_id!r} (known: {known})")


def display_name(provider_id: Provider) -> str:
    """``AWS`` for ``aws``; the id itself when no plug-in registers it."""
    for plugin in all_providers():
        if plugin.id == provider_id:
            return plugin.display_name
    return str(provider_id)


@cache
def remediation(provider_id: Provider, check_id: str) -> str | None:
    """A provider's remediation for a neutral check's finding, if it has one."""
    for plugin in all_providers():
        if plugin.id == provider_id:
            return plugin.remediation.get(check_id)
    return None


def clear_caches() -> None:
    """Forget discovered plug-ins and what was found through them (formats, checks): for tests that add one."""
    from nhi_scan.checks import all_checks
    from nhi_scan.connectors.formats import all_formats

    all_providers.cache_clear()
    remediation.cache_clear()
    all_formats.cache_clear()
    all_checks.cache_clear()
