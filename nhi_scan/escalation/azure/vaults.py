"""Key Vault secrets as lateral movement: who can read a vault's secrets (an access policy, an RBAC data action, or
by granting itself either), and whose credentials the vault appears to keep.

No secret value is ever seen, so a secret is taken for an application's credential only when its tags or its name
name that application (a tag value that is the app's display name or app id; a name that is the app's name and a
credential word, ``deploy-bot-secret``). That is an inference: the hop from the vault to the identity is conditional
and its reason says what it rests on. A vault whose secrets name no identity is still a target: reading every
secret of a production vault is worth a path of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nhi_scan.connectors.azure import AZURE
from nhi_scan.escalation.azure.catalog import GrantorKind, Method, TargetKind
from nhi_scan.escalation.azure.targets import Chain, ScopeIndex
from nhi_scan.graph import Edge, EdgeKind, MethodFacts
from nhi_scan.model import Identity, IdentityKind, Scope
from nhi_scan.policy.azure.rbac import Assignment
from nhi_scan.tri import Tri

if TYPE_CHECKING:
    from nhi_scan.escalation.azure.build import _Builder

VAULT_TYPE = "microsoft.keyvault/vaults"
#: The hop from a vault to the identity whose credential one of its secrets appears to be.
STORED_CREDENTIAL = MethodFacts(id="azure-key-vault-stored-credential", label="Use a credential kept in a Key Vault")
#: What a secret's name adds to an application's name when it holds that application's credential.
_CREDENTIAL_WORDS = re.compile(r"[-_. ]?(client[-_. ]?secret|secret|password|pwd|credential|cred|key|token)s?$")
_RBAC = (GrantorKind.RBAC_ACTION, GrantorKind.RBAC_DATA_ACTION)


def vault_node(vault_id: str) -> str:
    return f"vault:azure:{vault_id.lower()}"


def _normal(text: str) -> str:
    return re.sub(r"[\s_.]+", "-", text.strip().lower())


class Vaults:
    """The tenant's vaults, indexed by who holds an access policy on them and by every scope above them."""

    def __init__(self, hierarchy: Iterable[Scope], chain: Chain) -> None:
        self.vaults = [
            s for s in hierarchy if s.provider == AZURE and str(s.attributes.get("type", "")).lower() == VAULT_TYPE
        ]
        self.by_scope = ScopeIndex(self.vaults, lambda v: v.id, chain)
        self.by_policy: dict[str, list[int]] = {}
        #: vault id -> object id -> its access policy's permissions
        self.policies: dict[str, dict[str, Mapping[str, Any]]] = {}
        for position, vault in enumerate(self.vaults):
            for policy in _policies(vault):
                object_id = str(policy.get("object_id") or "").lower()
                self.by_policy.setdefault(object_id, []).append(position)
                self.policies.setdefault(vault.id, {})[object_id] = policy.get("permissions") or {}
        self.linked: set[str] = set()

    def candidates(self, object_ids: Iterable[str], scopes: Iterable[str]) -> list[Scope]:
        found = self.by_scope.positions(scopes)
        for object_id in object_ids:
            found.update(self.by_policy.get(object_id, ()))
        return [self.vaults[p] for p in sorted(found)]


def _policies(vault: Scope) -> list[Mapping[str, Any]]:
    raw = vault.attributes.get("access_policies") or ()
    return [p for p in raw if isinstance(p, Mapping)]


def _excluded(method: Method, vault: Scope) -> bool:
    rbac = vault.attributes.get("rbac") is True
    return ("rbac-vault" in method.excludes and rbac) or ("access-policy-vault" in method.excludes and not rbac)


def _access_policy(vaults: Vaults, vault: Scope, object_ids: set[str], permission: str) -> str | None:
    """The access policy on ``vault`` that gives one of ``object_ids`` ``permission`` ("secrets/get"), in words."""
    kind, _, verb = permission.lower().partition("/")
    policies = vaults.policies.get(vault.id, {})
    for object_id in object_ids:
        granted = (policies.get(object_id) or {}).get(kind) or ()
        if verb in granted or "all" in granted:
            return f"Key Vault access policy {kind} {verb} on {vault.name or vault.id}"
    return None


def _stored_credentials(vault: Scope, identities: Mapping[str, Identity]) -> list[tuple[Identity, str]]:
    """(identity, why) for each secret of the vault whose tags or name name an application of the tenant."""
    found: list[tuple[Identity, str]] = []
    for secret in vault.attributes.get("secrets") or ():
        if not isinstance(secret, Mapping):
            continue
        name = str(secret.get("name") or "")
        tags = {str(k): str(v) for k, v in (secret.get("tags") or {}).items()}
        matched: tuple[Identity, str] | None = None
        for key, value in tags.items():
            identity = identities.get(_normal(value))
            if identity is not None:
                matched = (identity, f"tag {key}: {value}")
                break
        if matched is None:
            stem = _CREDENTIAL_WORDS.sub("", _normal(name))
            identity = identities.get(stem) if stem != _normal(name) else None
            if identity is not None:
                matched = (identity, "its name")
        if matched is None:
            continue
        identity, basis = matched
        content = f", contentType {secret['content_type']}" if secret.get("content_type") else ""
        found.append(
            (
                identity,
                f"secret {name}{content} of Key Vault {vault.name} looks like a credential of {identity.kind.value} "
                f"{identity.name}: inferred from {basis}, the value is not seen",
            )
        )
    return found


def _named(identities: Iterable[Identity]) -> dict[str, Identity]:
    """Service principals of the tenant's applications by normalised display name and by app id."""
    found: dict[str, Identity] = {}
    for identity in identities:
        if identity.kind is not IdentityKind.SERVICE_PRINCIPAL or identity.provider_managed:
            continue
        if identity.attributes.get("foreign"):
            continue
        found.setdefault(_normal(identity.name), identity)
        app_id = identity.attributes.get("app_id")
        if app_id:
            found.setdefault(str(app_id).lower(), identity)
    return found


def link_vaults(builder: _Builder, methods: Sequence[Method], principals: Iterable[Identity]) -> None:
    """Edges from each principal to the vaults whose secrets it can read (or make itself able to read), and from
    each such vault to the identities whose credentials it appears to keep."""
    chosen = [m for m in methods if m.target is TargetKind.KEY_VAULT]
    vaults = Vaults(builder.inventory.hierarchy, builder.rbac.chain)
    if not chosen or not vaults.vaults:
        return
    identities = _named(builder.inventory.identities)
    graph = builder.graph
    graph.register_methods([STORED_CREDENTIAL])
    for principal in principals:
        groups = builder.directory.principals_of(principal)
        object_ids = {p.rsplit("/", 1)[-1].lower() for p in groups}
        assignments = builder.rbac.assignments(groups)
        # the methods one of its assignments' roles (or any access policy) could give it, judged before any vault
        listed = any(o in vaults.by_policy for o in object_ids)
        possible = [m for m in chosen if _may_hold(builder, m, assignments, listed)]
        if not possible:
            continue
        for vault in vaults.candidates(object_ids, {a.scope for a in assignments}):
            for method in possible:
                if _excluded(method, vault):
                    continue
                held = _holds(builder, vaults, method, principal, vault, object_ids)
                if held[0] is Tri.FALSE:
                    continue
                node = vault_node(vault.id)
                if node not in vaults.linked:
                    vaults.linked.add(node)
                    graph.add_target(node, f"secrets of Key Vault {vault.name}", store=True)
                    for identity, why in _stored_credentials(vault, identities):
                        graph.add_edge(
                            Edge(
                                source=node,
                                target=identity.id,
                                kind=EdgeKind.HAS_CREDENTIAL,
                                reason=f"{STORED_CREDENTIAL.label}: {why}",
                                method=STORED_CREDENTIAL.id,
                                conditional=True,
                            )
                        )
                builder.edge(principal, node, method, held, f"Key Vault {vault.name}")


def _may_hold(builder: _Builder, method: Method, assignments: Sequence[Assignment], listed: bool) -> bool:
    """Whether ``assignments`` (or, ``listed``, an access policy naming the principal) could give the method."""
    for grantor in method.grantors:
        if grantor.kind is GrantorKind.ACCESS_POLICY:
            if listed:
                return True
            continue
        if grantor.kind in _RBAC:
            data = grantor.kind is GrantorKind.RBAC_DATA_ACTION
            if any(builder.rbac.allowing(a.role_id, grantor.name, data=data) for a in assignments):
                return True
    return False


def _holds(
    builder: _Builder, vaults: Vaults, method: Method, principal: Identity, vault: Scope, object_ids: set[str]
) -> tuple[Tri, str]:
    """The strongest of the method's grantors for ``principal`` on ``vault``."""
    best: tuple[Tri, str] = (Tri.FALSE, "")
    for grantor in method.grantors:
        if grantor.kind is GrantorKind.ACCESS_POLICY:
            why = _access_policy(vaults, vault, object_ids, grantor.name)
            held = (Tri.TRUE, why) if why else (Tri.FALSE, "")
        elif grantor.kind in _RBAC:
            held = builder.holds(grantor, principal, None, vault.id)
        else:
            continue
        if held[0] > best[0]:
            best = held
    return best
