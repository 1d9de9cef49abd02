"""AzureHound output (``azurehound list -o FILE``) -> the same records as the Graph and ARM exports.

Each entry is ``{"kind": "AZ...", "data": {...}}``; ``data`` is the Graph or ARM object (read by ``graph`` and
``arm``) or one of AzureHound's wrappers: owners and members ``{"owners": [{"owner": {...}, "appId"}], ...}``,
directory role assignments grouped by role, ARM role assignments grouped by the object they were listed for. Go's
``omitempty`` drops ``false``: a service principal or user without ``accountEnabled`` is disabled. An entry that
cannot be read is named and skipped, the rest of the file is read, and the source is marked partial.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from nhi_scan.connectors.azure import arm, graph
from nhi_scan.connectors.azure.names import APPLICATIONS, GROUPS, SERVICE_PRINCIPALS
from nhi_scan.connectors.azure.records import (
    MembershipRecord,
    ObjectRef,
    OwnershipRecord,
    Record,
    Records,
    ScopeLinkRecord,
    TenantRecord,
)
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.unreadable import note_unreadable
from nhi_scan.errors import InputError
from nhi_scan.redact import quote

Reader = Callable[[Fields, list[str]], list[Record]]
#: Entries named one by one before the rest are only counted.
_NAMED_ERRORS = 5
#: ARM types of AzureHound's resource kinds (used when an entry omits ``type``).
RESOURCE_KINDS = {
    "AZVM": "Microsoft.Compute/virtualMachines",
    "AZVMScaleSet": "Microsoft.Compute/virtualMachineScaleSets",
    "AZFunctionApp": "Microsoft.Web/sites",
    "AZWebApp": "Microsoft.Web/sites",
    "AZLogicApp": "Microsoft.Logic/workflows",
    "AZAutomationAccount": "Microsoft.Automation/automationAccounts",
    "AZManagedCluster": "Microsoft.ContainerService/managedClusters",
    "AZContainerRegistry": "Microsoft.ContainerRegistry/registries",
    "AZStorageAccount": "Microsoft.Storage/storageAccounts",
}


#: A kind shown as written (AZDevice); anything else is quoted, bounded.
_PLAIN_KIND = re.compile(r"^[A-Za-z0-9]{1,40}$")
#: Every AzureHound kind (AZUser, AZVMRoleAssignment...): an entry of another (empty, cut) kind was damaged, and
#: counted among the kinds nhi-scan does not read it would drop an identity with only a count.
_KIND = re.compile(r"^AZ[A-Za-z0-9]+$")


def _listed(data: Fields, key: str) -> list[Fields]:
    """The items of a wrapper's list. AzureHound always writes the key (``null`` when empty: Go's nil slice): a
    wrapper without it was damaged, and read as empty its owners, members or credentials would vanish unsaid."""
    if not data.has(key):
        raise data.error(key, "missing required field")
    return list(data.objects(key))


def _typed(item: Fields) -> Fields:
    """Graph never writes an empty ``@odata.type``: read as none, an agent identity would become a plain service
    principal (and an owner of a known kind one of no kind)."""
    if item.raw.get("@odata.type") == "":
        raise item.error("@odata.type", "an empty type")
    return item


def _tenant(data: Fields, notes: list[str]) -> list[Record]:
    return [
        TenantRecord(
            tenant_id=graph.guid(data, "tenantId"), display_name=data.opt_str("displayName"), source=data.source
        )
    ]


def _enabled(data: Fields, written: bool | None) -> bool:
    """omitempty: AzureHound writes ``accountEnabled`` only when true, and never null (a Go bool). A null was
    damaged: said, and read as enabled (read as disabled, a privileged principal's findings would fade unsaid)."""
    if data.has("accountEnabled") and data.raw["accountEnabled"] is None:
        note_unreadable(data.source, data.path_of("accountEnabled"), "null (true or left out): read as enabled")
        return True
    return bool(written)


def _user(data: Fields, notes: list[str]) -> list[Record]:
    record = graph.user(data)
    return [replace(record, account_enabled=_enabled(data, record.account_enabled))]


def _service_principal(data: Fields, notes: list[str]) -> list[Record]:
    """Entra names the tenant owning an application's service principal (appOwnerOrganizationId): one without it
    is said (read as this tenant's, a foreign application's power would pass for a local one's)."""
    record = graph.service_principal(data, notes)
    if data.opt_str("servicePrincipalType") == "Application" and data.raw.get("appOwnerOrganizationId") is None:
        note_unreadable(data.source, data.path_of("appOwnerOrganizationId"), "missing: read as this tenant's")
    return [replace(record, account_enabled=_enabled(data, record.account_enabled))]


def _owners(inner: str, outer: str | None, collection: str) -> Reader:
    """``{"owners": [{"owner": {...}, INNER: TARGET}], OUTER: TARGET}`` -> ownerships. For apps the inner ``appId``
    is the application's object id and the outer one its appId, so only the inner one names the target."""

    def read(data: Fields, notes: list[str]) -> list[Record]:
        found: list[Record] = []
        for item in _listed(data, "owners"):
            owner = item.obj("owner")
            if owner is None:
                raise item.error("owner", "missing required field")
            target = graph.guid(item, inner) if item.has(inner) or outer is None else graph.guid(data, outer)
            found.append(
                OwnershipRecord(
                    target=ObjectRef(object_id=target, collection=collection),
                    owner=graph.ref(_typed(owner)),
                    source=data.source,
                )
            )
        return found

    return read


def _members(data: Fields, notes: list[str]) -> list[Record]:
    found: list[Record] = []
    for item in _listed(data, "members"):
        member = item.obj("member")
        if member is None:
            raise item.error("member", "missing required field")
        group = graph.guid(item, "groupId") if item.has("groupId") else graph.guid(data, "groupId")
        found.append(MembershipRecord(group_id=group, member=graph.ref(_typed(member)), source=data.source))
    return found


def _application(data: Fields, notes: list[str]) -> list[Record]:
    record, fics = graph.application(data, notes)
    return [record, *fics]


def _directory_role_assignments(data: Fields, notes: list[str]) -> list[Record]:
    return [graph.role_assignment(item, eligible=False) for item in _listed(data, "roleAssignments")]


def _federated_credentials(data: Fields, notes: list[str]) -> list[Record]:
    found: list[Record] = []
    for item in _listed(data, "fics"):
        fic = item.obj("fic")
        if fic is None:
            raise item.error("fic", "missing required field")
        app_id = graph.guid(item, "appId") if item.has("appId") else graph.guid(data, "appId")
        found.append(graph.federated_credential(fic, app_id=app_id))
    return found


def _descendant(data: Fields, notes: list[str]) -> list[Record]:
    child = arm.resource_id(data)
    props = data.obj("properties")
    parent = props.obj("parent") if props is not None else None
    found: list[Record] = []
    if child.startswith("/providers/"):
        found.extend(arm.management_group(data)[:1])
    if parent is not None and parent.opt_str("id"):
        found.append(ScopeLinkRecord(child=child, parent=arm.resource_id(parent), source=data.source))
    return found


def _resource(kind: str) -> Reader:
    def read(data: Fields, notes: list[str]) -> list[Record]:
        if not data.has("type"):
            data = Fields({**data.raw, "type": RESOURCE_KINDS[kind]}, data.source, data.where)
        return [arm.resource(data)]

    return read


def _rbac_assignments(data: Fields, notes: list[str]) -> list[Record]:
    """``{"roleAssignments": [{"roleAssignment": {...}}]}`` or ``{"assignees": [{"assignee": {...}}]}``."""
    found: list[Record] = []
    if not data.has("roleAssignments") and not data.has("assignees"):
        raise data.error("roleAssignments", "missing required field (nor assignees)")
    for list_key, item_key in (("roleAssignments", "roleAssignment"), ("assignees", "assignee")):
        for item in data.objects(list_key):
            inner = item.obj(item_key)
            if inner is None:
                raise item.error(item_key, "missing required field")
            found.append(arm.rbac_assignment(_assignment(inner)))
    return found


def _assignment(assignment: Fields) -> Fields:
    """ARM gives every role assignment its id and scope. An empty scope would read as the root scope ``/`` (an
    assignment on one resource turned into one on every subscription of the tenant); without its id the
    assignment would be named ``.../unnamed``, and two such would be one."""
    if not assignment.opt_str("id"):
        raise assignment.error("id", "an empty assignment id" if assignment.has("id") else "missing required field")
    for holder in (assignment, assignment.obj("properties")):
        if holder is not None and holder.raw.get("scope") == "":
            raise holder.error("scope", "an empty scope")
    return assignment


def _access_policy(data: Fields, notes: list[str]) -> list[Record]:
    return [arm.access_policy(data, arm.resource_id(data, "keyVaultId"))]


READERS: dict[str, Reader] = {
    "AZTenant": _tenant,
    "AZUser": _user,
    "AZGroup": lambda d, n: [graph.group(d)],
    "AZGroupOwner": _owners("groupId", "groupId", GROUPS),
    "AZGroupMember": _members,
    "AZApp": _application,
    "AZAppOwner": _owners("appId", None, APPLICATIONS),
    "AZServicePrincipal": _service_principal,
    "AZServicePrincipalOwner": _owners("servicePrincipalId", "servicePrincipalId", SERVICE_PRINCIPALS),
    "AZAppRoleAssignment": lambda d, n: [graph.app_role_assignment(d)],
    "AZOAuth2PermissionGrant": lambda d, n: [graph.delegated_grant(d)],
    "AZRole": lambda d, n: [graph.role_definition(d)],
    "AZRoleAssignment": _directory_role_assignments,
    "AZRoleEligibilityScheduleInstance": lambda d, n: [graph.role_assignment(d, eligible=True)],
    "AZFederatedIdentityCredential": _federated_credentials,
    "AZManagementGroup": lambda d, n: arm.management_group(d),
    "AZManagementGroupDescendant": _descendant,
    "AZSubscription": lambda d, n: [arm.subscription(d)],
    "AZResourceGroup": lambda d, n: [arm.resource_group(d)],
    "AZKeyVault": lambda d, n: arm.key_vault(d),
    "AZKeyVaultAccessPolicy": _access_policy,
    **{kind: _resource(kind) for kind in RESOURCE_KINDS},
}


def is_role_assignment_kind(kind: str) -> bool:
    """AZSubscriptionRoleAssignment, AZVMRoleAssignment...: ARM role assignments (not the directory's)."""
    return kind.endswith("RoleAssignment") and kind not in READERS


def sniff(value: object) -> bool:
    """``meta.type`` "azure" (then ``load`` names whatever is wrong), or entries of AzureHound's kinds."""
    if not isinstance(value, dict) or "data" not in value:
        return False
    meta = value.get("meta")
    if isinstance(meta, dict) and str(meta.get("type", "")).lower() == "azure":
        return True
    entries = value["data"]
    first = entries[0] if isinstance(entries, list) and entries else None
    return isinstance(first, dict) and str(first.get("kind", "")).startswith("AZ") and "data" in first


def load(source: str, value: object) -> Records:
    document = Fields(value, source)
    meta = document.obj("meta")
    if meta is not None and (meta.opt_str("type") or "azure").lower() != "azure":
        raise meta.error("type", f"not AzureHound's Azure output (type {quote(meta.opt_str('type'))})")
    if not isinstance(document.raw.get("data"), list):
        raise document.error("data", "expected an array of AzureHound entries")
    found: list[Record] = []
    notes: list[str] = []
    ignored: Counter[str] = Counter()
    broken: list[str] = []
    for entry in document.objects("data"):
        try:
            kind = entry.string("kind")
            if not _KIND.match(kind):
                raise entry.error("kind", f"not an AzureHound kind (AZ...): {quote(kind)}")
            reader = READERS.get(kind) or (_rbac_assignments if is_role_assignment_kind(kind) else None)
            data = entry.obj("data")
            if reader is not None and data is None:
                raise entry.error("data", f"missing: the {kind} entry holds nothing")
            if reader is None or data is None:
                ignored[kind] += 1
                continue
            found.extend(reader(_typed(data), notes))
        except InputError as exc:
            broken.append(exc.one_line())
    notes.extend(f"unreadable AzureHound entry skipped: {line[:200]}" for line in broken[:_NAMED_ERRORS])
    if len(broken) > _NAMED_ERRORS:
        notes.append(f"{source}: {len(broken) - _NAMED_ERRORS} more unreadable AzureHound entries skipped")
    if ignored:
        kinds = ", ".join(
            f"{kind if _PLAIN_KIND.match(kind) else quote(kind)} ({count})"
            for kind, count in sorted(ignored.items())[:10]
        )
        notes.append(f"{source}: AzureHound kinds not read: {kinds}")
    incomplete = f"{len(broken)} unreadable entr{'y' if len(broken) == 1 else 'ies'} skipped" if broken else None
    return Records(tuple(found), tuple(notes), incomplete)
