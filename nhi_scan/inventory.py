"""Joining inventories (of several files, accounts or clouds) and taking one cloud's part of one."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from nhi_scan.errors import UsageError
from nhi_scan.model import Identity, Inventory, Organization, Provider


class _Record(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Record)


def _by_id(items: Iterable[T]) -> tuple[T, ...]:
    """One record per id (in the place of its first, with the value of its last): the same policy or scope read
    from two files is one."""
    return tuple({item.id: item for item in items}.values())


def _organization(parts: Sequence[Inventory]) -> Organization | None:
    found = [p.organization for p in parts if p.organization is not None]
    if len(found) <= 1:
        return found[0] if found else None
    paths: dict[str, tuple[str, ...]] = {}
    for organization in found:
        for account, path in organization.account_paths.items():
            paths.setdefault(account, path)
    management = next((o.management_account for o in found if o.management_account), None)
    return Organization(management_account=management, account_paths=paths)


def merge_inventories(parts: Sequence[Inventory]) -> Inventory:
    """Every record of every part, in order; policies, scopes, hierarchy and identity providers once per id."""
    if len(parts) == 1:
        return parts[0]

    def joined(name: str) -> tuple[Any, ...]:
        return tuple(item for part in parts for item in getattr(part, name))

    return Inventory(
        identities=joined("identities"),
        grants=joined("grants"),
        policies=_by_id(joined("policies")),
        trusts=joined("trusts"),
        workloads=joined("workloads"),
        workload_listings=tuple(dict.fromkeys(joined("workload_listings"))),
        usage=joined("usage"),
        identity_providers=_by_id(joined("identity_providers")),
        hierarchy=_by_id(joined("hierarchy")),
        organization=_organization(parts),
        scopes=tuple(dict.fromkeys(joined("scopes"))),
        warnings=joined("warnings"),
    )


def providers_of(inventory: Inventory) -> frozenset[Provider]:
    """The clouds an inventory covers (its scopes' and its identities' providers)."""
    found = {provider for provider, _ in inventory.scopes}
    if not found:
        found = {identity.provider for identity in inventory.identities}
    return frozenset(found)


def only(inventory: Inventory, providers: Collection[Provider]) -> Inventory:
    """The part of ``inventory`` about ``providers``: what a provider's analysis and a cloud-specific check see.

    The inventory itself when it covers nothing else (the common single-cloud scan costs nothing).
    """
    wanted = frozenset(providers)
    if providers_of(inventory) <= wanted and all(i.provider in wanted for i in inventory.identities):
        return inventory
    ids = {i.id for i in inventory.identities if i.provider in wanted}
    return Inventory(
        identities=tuple(i for i in inventory.identities if i.provider in wanted),
        grants=tuple(g for g in inventory.grants if g.provider in wanted),
        policies=tuple(p for p in inventory.policies if p.provider in wanted),
        trusts=tuple(t for t in inventory.trusts if t.provider in wanted),
        workloads=tuple(w for w in inventory.workloads if w.provider in wanted),
        workload_listings=inventory.workload_listings,
        usage=tuple(u for u in inventory.usage if u.identity_id in ids),
        identity_providers=tuple(p for p in inventory.identity_providers if p.provider in wanted),
        hierarchy=tuple(s for s in inventory.hierarchy if s.provider in wanted),
        organization=inventory.organization,
        scopes=tuple(s for s in inventory.scopes if s[0] in wanted),
        warnings=inventory.warnings,
    )


def find_identity(inventory: Inventory, wanted: str) -> Identity:
    """A principal by id or by name; a one-line error when none or several match."""
    principals = [i for i in inventory.identities if i.is_principal]
    exact = [i for i in principals if i.id == wanted or wanted in i.aliases]
    named = exact or [i for i in principals if i.name == wanted]
    if len(named) == 1:
        return named[0]
    if not named:
        raise UsageError(f"{wanted}: no such identity in the inputs")
    raise UsageError(f"{wanted}: several identities have this name; give the id ({named[0].id}, {named[1].id}…)")
