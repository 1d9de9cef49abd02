"""The GCP resource hierarchy: a binding on an organization or folder applies to every project and resource below
it, a resource-level binding to that resource only. ``chain`` answers "which bindings apply here" for any name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from nhi_scan.model import Identity, IdentityKind, Scope, ScopeKind


class Hierarchy:
    def __init__(self, scopes: Iterable[Scope], identities: Iterable[Identity]) -> None:
        self.scopes: dict[str, Scope] = {s.id: s for s in scopes}
        self.parents: dict[str, str | None] = {s.id: s.parent for s in self.scopes.values()}
        self._chains: dict[str, tuple[str, ...]] = {}
        self.accounts_by_project: dict[str, list[str]] = defaultdict(list)
        self.account_resource: dict[str, str] = {}
        for identity in identities:
            if identity.kind is IdentityKind.SERVICE_ACCOUNT and identity.scope != "unknown":
                resource = f"projects/{identity.scope}/serviceAccounts/{identity.name}"
                self.account_resource[identity.id] = resource
                self.accounts_by_project[identity.scope].append(identity.id)
                self.parents.setdefault(resource, f"projects/{identity.scope}")
                self.parents.setdefault(f"projects/{identity.scope}", None)
        self.projects_below: dict[str, list[str]] = defaultdict(list)
        self.folders_below: dict[str, list[str]] = defaultdict(list)
        for name in sorted(self.parents):
            below = {"projects/": self.projects_below, "folders/": self.folders_below}.get(name[: name.find("/") + 1])
            if below is not None and name.count("/") == 1:
                for ancestor in self.chain(name)[1:]:
                    below[ancestor].append(name)

    def chain(self, name: str) -> tuple[str, ...]:
        """``name`` and its ancestors, nearest first (cycles in broken inputs are cut)."""
        found = self._chains.get(name)
        if found is not None:
            return found
        chain: list[str] = []
        cursor: str | None = name
        while cursor is not None and cursor not in chain:
            chain.append(cursor)
            cursor = self.parents.get(cursor)
        if name.startswith("projects/") and "/" in name[len("projects/") :]:
            project = "/".join(name.split("/", 2)[:2])
            if project not in chain:
                chain.extend(c for c in self.chain(project) if c not in chain)
        result = tuple(chain)
        self._chains[name] = result
        return result

    def kind(self, name: str) -> ScopeKind:
        scope = self.scopes.get(name)
        if scope is not None:
            return scope.kind
        head = name.split("/", 1)[0]
        if name.count("/") == 1:
            return {"organizations": ScopeKind.ORGANIZATION, "folders": ScopeKind.FOLDER}.get(head, ScopeKind.PROJECT)
        return ScopeKind.RESOURCE

    def project_of(self, name: str) -> str | None:
        """``projects/P`` of a project or anything below one."""
        return next((c for c in self.chain(name) if c.startswith("projects/") and c.count("/") == 1), None)

    def number(self, project: str) -> str | None:
        scope = self.scopes.get(project)
        value = scope.attributes.get("project_number") if scope else None
        return str(value) if value else None

    def administrable(self) -> list[str]:
        """Organizations, folders and projects: the scopes whose IAM an admin controls."""
        return sorted(n for n in self.parents if n.count("/") == 1 and self.kind(n) is not ScopeKind.RESOURCE)
