"""Secret stores as lateral movement: who can read a Key Vault's secrets (an access policy, an RBAC data action, or
by granting itself either), list a storage or Cosmos DB account's keys, or read a Cosmos DB account's data (a SQL
role assignment on it, or by writing itself one), and whose credentials a vault appears to keep.

A Cosmos DB account is one node for its keys and its data alike: both open what it keeps, which may be other
identities' credentials. Its SQL role assignments are its own data-plane RBAC: Azure deny assignments do not apply to
them, so none is consulted for them.

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
from nhi_scan.graph import Edge, EdgeKind, MethodFacts, StoreKind
from nhi_scan.model import Identity, IdentityKind, Scope
from nhi_scan.policy.azure import cosmos
from nhi_scan.policy.azure.rbac import Assignment
from nhi_scan.tri import Tri

if TYPE_CHECKING:
    from nhi_scan.escalation.azure.build import _Builder

#: (method target, ARM type, what the store node stands for, what it holds)
STORE_KINDS = (
    (TargetKind.KEY_VAULT, "microsoft.keyvault/vaults", "secrets of Key Vault", StoreKind.SECRETS),
    (TargetKind.STORAGE_ACCOUNT, "microsoft.storage/storageaccounts", "keys of storage account", StoreKind.KEYS),
    (
        TargetKind.COSMOS_ACCOUNT,
        "microsoft.documentdb/databaseaccounts",
        "data of Cosmos DB account",  # its keys (list-keys) or, through a SQL role, its items
        StoreKind.KEYS,
    ),
)
#: The hop from a vault to the identity whose credential one of its secrets appears to be.
STORED_CREDENTIAL = MethodFacts(id="azure-key-vault-stored-credential", label="Use a credential kept in a Key Vault")
#: What a secret's name adds to an application's name when it holds that application's credential.
_CREDENTIAL_WORDS = re.compile(r"[-_. ]?(client[-_. ]?secret|secret|password|pwd|credential|cred|key|token)s?$")
_RBAC = (GrantorKind.RBAC_ACTION, GrantorKind.RBAC_DATA_ACTION)


def store_node(store_id: str) -> str:
    return f"store:azure:{store_id.lower()}"


def _normal(text: str) -> str:
    return re.sub(r"[\s_.]+", "-", text.strip().lower())


class Stores:
    """The tenant's stores of one ARM type, indexed by who holds an access policy on them (vaults) and by every
    scope above them."""

    def __init__(self, hierarchy: Iterable[Scope], chain: Chain, arm_type: str, label: str, kind: StoreKind) -> None:
        self.label = label
        self.kind = kind
        self.items = [
            s for s in hierarchy if s.provider == AZURE and str(s.attributes.get("type", "")).lower() == arm_type
        ]
        self.by_scope = ScopeIndex(self.items, lambda v: v.id, chain)
        self.by_policy: dict[str, list[int]] = {}
        #: vault id -> object id -> its access policy's permissions
        self.policies: dict[str, dict[str, Mapping[str, Any]]] = {}
        #: Cosmos DB account id -> its SQL role assignments; -> its exported SQL role definitions by id.
        self.sql_assignments: dict[str, list[Mapping[str, Any]]] = {}
        self.sql_roles: dict[str, dict[str, cosmos.SqlRole]] = {}
        for position, vault in enumerate(self.items):
            for policy in _policies(vault):
                object_id = str(policy.get("object_id") or "").lower()
                self.by_policy.setdefault(object_id, []).append(position)
                self.policies.setdefault(vault.id, {})[object_id] = policy.get("permissions") or {}
            for assignment in _listed(vault, "sql_role_assignments"):
                object_id = str(assignment.get("object_id") or "").lower()
                if position not in self.by_policy.get(object_id, ()):
                    self.by_policy.setdefault(object_id, []).append(position)
                self.sql_assignments.setdefault(vault.id, []).append(assignment)
            self.sql_roles[vault.id] = {
                str(d.get("id") or "").lower(): cosmos.custom_role(str(d.get("role_name") or ""), _blocks(d))
                for d in _listed(vault, "sql_role_definitions")
            }
        self.linked: set[str] = set()

    def candidates(self, object_ids: Iterable[str], scopes: Iterable[str]) -> list[Scope]:
        found = self.by_scope.positions(scopes)
        for object_id in object_ids:
            found.update(self.by_policy.get(object_id, ()))
        return [self.items[p] for p in sorted(found)]


def _policies(vault: Scope) -> list[Mapping[str, Any]]:
    return _listed(vault, "access_policies")


def _listed(store: Scope, key: str) -> list[Mapping[str, Any]]:
    raw = store.attributes.get(key) or ()
    return [p for p in raw if isinstance(p, Mapping)]


def _blocks(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [b for b in definition.get("permissions") or () if isinstance(b, Mapping)]


def _excluded(method: Method, vault: Scope) -> bool:
    rbac = vault.attributes.get("rbac") is True
    keyless = "key-auth-disabled" in method.excludes and vault.attributes.get("key_auth_disabled") is True
    return (
        keyless or ("rbac-vault" in method.excludes and rbac) or ("access-policy-vault" in method.excludes and not rbac)
    )


def _sql_scope(account: Scope, scope: str) -> tuple[int, str]:
    """(breadth, words) of a SQL role assignment's scope: the whole account (2), a database (1), a container (0)."""
    name = account.name or account.id
    parts = scope[len(account.id) :].strip("/").split("/")
    if len(parts) >= 4 and parts[0] == "dbs" and parts[2] == "colls":
        return 0, f"container {parts[3]} of database {parts[1]} of {name} only (partial: not the rest of the account)"
    if len(parts) >= 2 and parts[0] == "dbs":
        return 1, f"database {parts[1]} of {name} only (partial: not its other databases)"
    return 2, f"Cosmos DB account {name}"


def _sql_role(stores: Stores, account: Scope, object_ids: set[str], action: str, own: str) -> tuple[Tri, str]:
    """The widest SQL role assignment on ``account`` (to one of ``object_ids``) whose role allows ``action``, in
    words; an assignment of a custom role the export does not define may allow it (unknown)."""
    best: tuple[Tri, int, str] = (Tri.FALSE, -1, "")
    for assignment in stores.sql_assignments.get(account.id, ()):
        object_id = str(assignment.get("object_id") or "").lower()
        if object_id not in object_ids:
            continue
        definition = str(assignment.get("role_definition_id") or "").lower()
        role = cosmos.sql_role(definition, stores.sql_roles.get(account.id, {}))
        breadth, where = _sql_scope(account, str(assignment.get("scope") or account.id).lower())
        to = "" if object_id == own else f" to group {object_id}"
        if role is None:
            guid = definition.rsplit("/", 1)[-1]
            found = (
                Tri.UNKNOWN,
                breadth,
                f"custom SQL role {guid} assigned{to} on {where}, whose definition is not in the export "
                "(az cosmosdb sql role definition list): it may allow reading items",
            )
        elif role.allows(action):
            found = (Tri.TRUE, breadth, f"SQL role {role.name} assigned{to} on {where}")
        else:
            continue
        if found[:2] > best[:2]:
            best = found
    return best[0], best[2]


def _access_policy(vaults: Stores, vault: Scope, object_ids: set[str], permission: str) -> str | None:
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


def link_stores(builder: _Builder, methods: Sequence[Method], principals: Iterable[Identity]) -> None:
    """Edges from each principal to the stores it can read (or make itself able to read), and from each vault so
    reached to the identities whose credentials it appears to keep."""
    kinds: list[tuple[Stores, list[Method]]] = []
    for target, arm_type, label, kind in STORE_KINDS:
        chosen = [m for m in methods if m.target is target]
        stores = Stores(builder.inventory.hierarchy, builder.rbac.chain, arm_type, label, kind)
        if chosen and stores.items:
            kinds.append((stores, chosen))
    if not kinds:
        return
    identities = _named(builder.inventory.identities)
    builder.graph.register_methods([STORED_CREDENTIAL])
    for principal in principals:
        groups = builder.directory.principals_of(principal)
        object_ids = {p.rsplit("/", 1)[-1].lower() for p in groups}
        assignments = builder.rbac.assignments(groups)
        for stores, chosen in kinds:
            # the methods its assignments' roles (or an access policy naming it) could give it, before any store
            listed = any(o in stores.by_policy for o in object_ids)
            possible = [m for m in chosen if _may_hold(builder, m, assignments, listed)]
            if possible:
                _link(builder, stores, possible, principal, object_ids, assignments, identities)


def _link(
    builder: _Builder,
    stores: Stores,
    methods: Sequence[Method],
    principal: Identity,
    object_ids: set[str],
    assignments: Sequence[Assignment],
    identities: Mapping[str, Identity],
) -> None:
    graph = builder.graph
    for store in stores.candidates(object_ids, {a.scope for a in assignments}):
        for method in methods:
            if _excluded(method, store):
                continue
            held = _holds(builder, stores, method, principal, store, object_ids)
            if held[0] is Tri.FALSE:
                continue
            node = store_node(store.id)
            if node not in stores.linked:
                stores.linked.add(node)
                graph.add_target(node, f"{stores.label} {store.name}", store=stores.kind)
                for identity, why in _stored_credentials(store, identities):
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
            builder.edge(principal, node, method, held, f"{stores.label} {store.name}")


def _may_hold(builder: _Builder, method: Method, assignments: Sequence[Assignment], listed: bool) -> bool:
    """Whether ``assignments`` (or, ``listed``, an access policy naming the principal) could give the method."""
    for grantor in method.grantors:
        if grantor.kind in (GrantorKind.ACCESS_POLICY, GrantorKind.COSMOS_SQL_ROLE):
            if listed:
                return True
            continue
        if grantor.kind in _RBAC:
            data = grantor.kind is GrantorKind.RBAC_DATA_ACTION
            if any(builder.rbac.allowing(a.role_id, grantor.name, data=data) for a in assignments):
                return True
    return False


def _holds(
    builder: _Builder, vaults: Stores, method: Method, principal: Identity, vault: Scope, object_ids: set[str]
) -> tuple[Tri, str]:
    """The strongest of the method's grantors for ``principal`` on ``vault``."""
    best: tuple[Tri, str] = (Tri.FALSE, "")
    for grantor in method.grantors:
        if grantor.kind is GrantorKind.ACCESS_POLICY:
            why = _access_policy(vaults, vault, object_ids, grantor.name)
            held = (Tri.TRUE, why) if why else (Tri.FALSE, "")
        elif grantor.kind is GrantorKind.COSMOS_SQL_ROLE:
            own = str(principal.attributes.get("object_id") or principal.id.rsplit("/", 1)[-1]).lower()
            held = _sql_role(vaults, vault, object_ids, grantor.name, own)
        elif grantor.kind in _RBAC:
            held = builder.holds(grantor, principal, None, vault.id)
        else:
            continue
        if held[0] > best[0]:
            best = held
    return best
