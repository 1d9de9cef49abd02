"""Azure records -> Inventory: Entra service principals, applications, managed identities, agent identities, users
and groups with their credentials, owners, memberships and sign-ins; every grant (app roles, directory roles, Azure
RBAC, deny assignments), custom roles, the resource hierarchy, what runs as each managed identity, and who may
federate in. Grants, hierarchy and workloads are built in ``access`` and ``resources``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import datetime
from typing import Any, TypeVar

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.access import Access, fic_credential, merge_federated, secret_credential
from nhi_scan.connectors.azure.graph import principal_kind
from nhi_scan.connectors.azure.names import (
    APPLICATIONS,
    GROUPS,
    MICROSOFT_GRAPH_APP_ID,
    MICROSOFT_TENANTS,
    SERVICE_PRINCIPALS,
    USERS,
    Directory,
    identity_id,
    tenant_of,
)
from nhi_scan.connectors.azure.records import (
    ApplicationRecord,
    Collected,
    DirectoryRoleAssignmentRecord,
    FederatedCredentialRecord,
    GroupRecord,
    MembershipRecord,
    ObjectRef,
    OwnershipRecord,
    Records,
    ServicePrincipalRecord,
    SignInCoverage,
    SignInRecord,
    UserAssignedIdentityRecord,
    UserRecord,
)
from nhi_scan.connectors.azure.resources import Resources
from nhi_scan.connectors.loader import LoadedDocument
from nhi_scan.model import Credential, Identity, IdentityKind, Inventory

_T = TypeVar("_T", ServicePrincipalRecord, ApplicationRecord, UserRecord, GroupRecord)
_MACHINE_COLLECTIONS = frozenset({SERVICE_PRINCIPALS, APPLICATIONS})
_STUB_KINDS = {
    SERVICE_PRINCIPALS: IdentityKind.SERVICE_PRINCIPAL,
    APPLICATIONS: IdentityKind.APPLICATION,
    USERS: IdentityKind.USER,
    GROUPS: IdentityKind.GROUP,
}


def _collect(documents: Iterable[LoadedDocument]) -> Collected:
    collected = Collected()
    for document in documents:
        if isinstance(document.payload, Records):
            collected.add(document.payload)
    return collected


def _missing(value: object) -> bool:
    return value is None or value == () or value == {} or value == ""


def _merge(records: Iterable[_T]) -> dict[str, _T]:
    """One record per object id: the same object listed twice (servicePrincipals.json and agentIdentities.json,
    several pages) keeps every field some listing gave; owners are the union."""
    merged: dict[str, _T] = {}
    for record in records:
        known = merged.get(record.object_id)
        if known is None:
            merged[record.object_id] = record
            continue
        changes: dict[str, Any] = {}
        for item in fields(known):
            mine: Any = getattr(known, item.name)
            theirs: Any = getattr(record, item.name)
            if item.name == "owners":
                changes["owners"] = tuple({o.object_id: o for o in (*mine, *theirs)}.values())
            elif (mine is None and theirs is not None) or (_missing(mine) and not _missing(theirs)):
                changes[item.name] = theirs
        merged[record.object_id] = replace(known, **changes)
    return merged


def _tag_map(tags: Iterable[str]) -> dict[str, str]:
    """Entra tags are strings; ``key:value`` / ``key=value`` ones are read as key and value."""
    found: dict[str, str] = {}
    for tag in tags:
        key, _, value = tag.replace("=", ":", 1).partition(":")
        found[key.strip()] = value.strip()
    return found


def _owner(tags: Mapping[str, str], keys: Sequence[str]) -> str | None:
    lowered = {k.lower(): v for k, v in tags.items() if v}
    return next((lowered[k.lower()] for k in keys if k.lower() in lowered), None)


class _Builder:
    def __init__(self, collected: Collected, owner_keys: Sequence[str]) -> None:
        self.c = collected
        self.owner_keys = owner_keys
        self.sps = _merge(collected.of(ServicePrincipalRecord))
        self.apps = _merge(collected.of(ApplicationRecord))
        self.users = _merge(collected.of(UserRecord))
        self.groups = _merge(collected.of(GroupRecord))
        app_ids = {a.app_id: a.object_id for a in self.apps.values() if a.app_id}
        tenant, self.notes = tenant_of(collected, self.sps.values(), app_ids)
        self.directory = Directory(
            tenant,
            self.sps.values(),
            self.apps.values(),
            self.users.values(),
            self.groups.values(),
            collected.of(UserAssignedIdentityRecord),
        )
        self.fics = merge_federated(collected.of(FederatedCredentialRecord))
        # Federated credentials by holder (a managed identity's resource id, an application's object id or app
        # id), in their order: looked up once per identity instead of scanned for each.
        self._fics_of: dict[str, list[int]] = {}
        for position, fic in enumerate(self.fics):
            keys = {f"resource:{fic.identity_resource_id}", f"object:{fic.app_object_id}", f"app:{fic.app_id}"}
            for key in keys:
                self._fics_of.setdefault(key, []).append(position)
        self.sign_ins: dict[str, datetime] = {}
        for record in collected.of(SignInRecord):
            if record.last_sign_in and (
                record.app_id not in self.sign_ins or self.sign_ins[record.app_id] < record.last_sign_in
            ):
                self.sign_ins[record.app_id] = record.last_sign_in
        self.sign_ins_known = bool(collected.of(SignInCoverage))
        self.listed_sign_ins = {r.app_id for r in collected.of(SignInRecord)}
        self.owners = self._owners()
        self.memberships = self._memberships()
        #: Principals holding a directory role: a group among them is role-assignable whatever its record says
        #: (Entra assigns roles to no other group), so a group record without the flag does not open it to Groups
        #: Administrators.
        self.role_holders = {r.principal_id for r in collected.of(DirectoryRoleAssignmentRecord)}

    @property
    def tenant(self) -> str:
        return self.directory.tenant

    def _owners(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        pairs: list[tuple[str, ObjectRef]] = []
        for collection, objects in ((SERVICE_PRINCIPALS, self.sps), (APPLICATIONS, self.apps), (GROUPS, self.groups)):
            pairs += [(identity_id(collection, oid), o) for oid, record in objects.items() for o in record.owners]
        pairs += [
            (identity_id(r.target.collection or "principals", r.target.object_id), r.owner)
            for r in self.c.of(OwnershipRecord)
        ]
        for target, owner in pairs:
            owner_id = self.directory.ref(owner.object_id, owner.collection)
            if owner_id not in found[target]:
                found[target].append(owner_id)
        return found

    def _memberships(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for record in self.c.of(MembershipRecord):
            member = self.directory.ref(record.member.object_id, record.member.collection)
            group = identity_id(GROUPS, record.group_id)
            if group not in found[member]:
                found[member].append(group)
        return found

    def _common(self, identity: str) -> dict[str, Any]:
        return {
            "provider": AZURE,
            "scope": self.tenant,
            "owners": tuple(self.owners.get(identity, ())),
            "groups": tuple(self.memberships.get(identity, ())),
        }

    def service_principal(self, sp: ServicePrincipalRecord, resources: Resources) -> Identity:
        identity = identity_id(SERVICE_PRINCIPALS, sp.object_id)
        kind, reason, user_assigned, resource_id = principal_kind(sp)
        managed, agent = kind is IdentityKind.MANAGED_IDENTITY, kind is IdentityKind.AGENT_IDENTITY
        blueprint = (sp.odata_type or "").lower() == "#microsoft.graph.agentidentityblueprintprincipal"
        tags = resources.tags_of_identity(resource_id) if managed and resource_id else _tag_map(sp.tags)
        owner_org = sp.app_owner_organization_id
        app_object = self.directory.app_by_app_id.get(sp.app_id or "")
        attributes: dict[str, Any] = {
            "object_id": sp.object_id,
            "app_id": sp.app_id,
            "service_principal_type": sp.sp_type,
            "app_owner_organization_id": owner_org,
            "foreign": False if managed else _foreign(owner_org, self.tenant),
            "sign_in_audience": sp.sign_in_audience,
            "application_id": identity_id(APPLICATIONS, app_object) if app_object else None,
            # what a token may be asked for with this principal as its audience (servicePrincipalNames, the
            # application's identifier URIs)
            "resource_names": sorted(
                n
                for n in {*sp.names, *(self.apps[app_object].identifier_uris if app_object in self.apps else ())}
                | {sp.app_id or ""}
                if n
            ),
        }
        if managed:
            attributes |= {"user_assigned": user_assigned, "resource_id": resource_id}
        if agent:
            sponsors = (
                None if sp.sponsors is None else [self.directory.ref(s.object_id, s.collection) for s in sp.sponsors]
            )
            attributes |= {"agent_blueprint_id": sp.agent_blueprint_id, "sponsors": sponsors}
        if blueprint:
            attributes["agent_blueprint"] = True
        common = self._common(identity)
        return Identity(
            id=identity,
            kind=kind,
            name=sp.display_name or sp.app_id or sp.object_id,
            machine=True,
            machine_reason=reason,
            created=sp.created,
            last_used=self.sign_ins.get(sp.app_id or ""),
            # The report lists the service principals it has sign-in data for: absence is not "never used".
            last_used_known=(sp.app_id or "") in self.listed_sign_ins,
            owner=_owner(tags, self.owner_keys),
            tags=tags,
            credentials=self._sp_credentials(sp, identity, managed, resource_id),
            provider_managed=not managed and (owner_org in MICROSOFT_TENANTS or sp.app_id == MICROSOFT_GRAPH_APP_ID),
            sources=(sp.source,),
            agent_reason=_agent_reason(agent, blueprint, sp.agent_blueprint_id),
            aliases=tuple(a for a in (sp.object_id, sp.app_id, resource_id) if a),
            enabled=sp.account_enabled,
            **common,
            attributes=attributes,
        )

    def _sp_credentials(
        self, sp: ServicePrincipalRecord, identity: str, managed: bool, resource: str | None
    ) -> tuple[Credential, ...]:
        """A service principal's secrets and certificates; a managed identity's federated credentials only (its
        certificate is Azure's own, rotated by the platform)."""
        if not managed:
            return tuple(secret_credential(s, identity) for s in sp.secrets)
        if not resource:
            return ()
        return tuple(fic_credential(self.fics[p], identity) for p in self._fics_of.get(f"resource:{resource}", ()))

    def application(self, app: ApplicationRecord) -> Identity:
        identity = identity_id(APPLICATIONS, app.object_id)
        blueprint = (app.odata_type or "").lower() == "#microsoft.graph.agentidentityblueprint"
        mine = set(self._fics_of.get(f"object:{app.object_id}", ()))
        if app.app_id:
            mine.update(self._fics_of.get(f"app:{app.app_id}", ()))
        fics = [self.fics[p] for p in sorted(mine)]
        credentials = [secret_credential(s, identity) for s in app.secrets] + [
            fic_credential(f, identity) for f in fics
        ]
        attributes = {
            "object_id": app.object_id,
            "app_id": app.app_id,
            "sign_in_audience": app.sign_in_audience,
            "agent_blueprint": blueprint,
            "service_principal_id": self.directory.service_principal_of_app(app.app_id),
        }
        tags = _tag_map(app.tags)
        return Identity(
            id=identity,
            kind=IdentityKind.APPLICATION,
            name=app.display_name or app.app_id or app.object_id,
            machine=True,
            machine_reason="Entra agent identity blueprint" if blueprint else "Entra application registration",
            created=app.created,
            last_used=self.sign_ins.get(app.app_id or ""),
            last_used_known=False,  # an application signs in through its service principal, judged there
            owner=_owner(tags, self.owner_keys),
            tags=tags,
            credentials=tuple(credentials),
            sources=(app.source,),
            agent_reason="Entra Agent ID blueprint: it obtains the tokens of its agent identities"
            if blueprint
            else None,
            aliases=tuple(a for a in (app.object_id, app.app_id) if a),
            **self._common(identity),
            attributes=attributes,
        )

    def user(self, user: UserRecord) -> Identity:
        identity = identity_id(USERS, user.object_id)
        agent = (user.odata_type or "").lower() == "#microsoft.graph.agentuser"
        attributes: dict[str, Any] = {"object_id": user.object_id, "user_type": user.user_type}
        if agent:
            attributes |= {"agent_user": True, "identity_parent_id": user.identity_parent_id}
        guest = (user.user_type or "").lower() == "guest"
        return Identity(
            id=identity,
            kind=IdentityKind.USER,
            name=user.user_principal_name or user.display_name or user.object_id,
            machine=agent,
            machine_reason="Entra agent user (Agent ID)" if agent else f"Entra {'guest ' if guest else ''}user",
            created=user.created,
            last_used=user.last_sign_in,
            last_used_known=user.sign_in_known,
            sources=(user.source,),
            agent_reason="Entra agent user (Agent ID)" if agent else None,
            aliases=tuple(a for a in (user.object_id, user.user_principal_name) if a),
            enabled=user.account_enabled,
            **self._common(identity),
            attributes=attributes,
        )

    def group(self, group: GroupRecord) -> Identity:
        identity = identity_id(GROUPS, group.object_id)
        attributes = {
            "object_id": group.object_id,
            "is_assignable_to_role": group.is_assignable_to_role or group.object_id in self.role_holders,
            "security_enabled": group.security_enabled,
        }
        return Identity(
            id=identity,
            kind=IdentityKind.GROUP,
            name=group.display_name or group.object_id,
            machine=False,
            machine_reason="Entra group",
            created=group.created,
            sources=(group.source,),
            aliases=(group.object_id,),
            **self._common(identity),
            attributes=attributes,
        )

    def identities(self, resources: Resources, delegated: Mapping[str, list[dict[str, Any]]]) -> list[Identity]:
        found = [self.service_principal(sp, resources) for sp in self.sps.values()]
        found += [self.application(app) for app in self.apps.values()]
        found += [self.user(user) for user in self.users.values()]
        found += [self.group(group) for group in self.groups.values()]
        return [
            replace(i, attributes={**i.attributes, "delegated_grants": delegated[i.id]}) if i.id in delegated else i
            for i in found
        ]

    def stubs(self, known: set[str], referenced: Iterable[tuple[str, str]]) -> list[Identity]:
        """Principals the inputs name (owners, members, grantees) but do not list, so every edge has its ends."""
        found: dict[str, Identity] = {}
        for principal, source in referenced:
            collection, _, object_id = principal.partition("/")
            if principal in known or principal in found or collection not in _STUB_KINDS:
                continue
            found[principal] = Identity(
                id=principal,
                provider=AZURE,
                kind=_STUB_KINDS[collection],
                name=object_id,
                scope=self.tenant,
                machine=collection in _MACHINE_COLLECTIONS,
                machine_reason=f"named in {source} but not in the {collection} listings",
                sources=(source,),
                aliases=(object_id,),
                owners=tuple(self.owners.get(principal, ())),
                groups=tuple(self.memberships.get(principal, ())),
                attributes={"object_id": object_id, "listed": False},
            )
        return list(found.values())

    def referenced(self) -> list[tuple[str, str]]:
        pairs = [(owner, f"the owners of {target}") for target, owners in self.owners.items() for owner in owners]
        pairs += [(target, "an owner listing") for target in self.owners]
        pairs += [(member, "group members") for member in self.memberships]
        return pairs


def _foreign(owner_org: str | None, tenant: str) -> bool | None:
    """An app registered in another tenant (None when the tenant is unknown)."""
    return None if tenant == "unknown" else bool(owner_org and owner_org != tenant)


def _agent_reason(agent: bool, blueprint: bool, blueprint_id: str | None) -> str | None:
    if agent:
        return f"Entra Agent ID agent identity (blueprint appId {blueprint_id or 'not given'})"
    return "Entra Agent ID blueprint principal" if blueprint else None


def parse(documents: Sequence[LoadedDocument], *, owner_tag_keys: Sequence[str]) -> Inventory:
    """The Azure documents of a scan -> its inventory."""
    collected = _collect(documents)
    builder = _Builder(collected, owner_tag_keys)
    directory = builder.directory
    resources = Resources(collected, directory, owner_tag_keys)
    access = Access(collected, directory, builder.fics)
    grants = access.grants()
    identities = builder.identities(resources, access.delegated())
    known = {i.id for i in identities}
    referenced = builder.referenced() + [(g.principal_id, g.policy_kind.value + " grants") for g in grants]
    identities += builder.stubs(known, referenced)
    workloads = resources.workloads()
    hierarchy = resources.hierarchy(grants)
    notes = [*collected.notes, *builder.notes, *access.notes, *resources.notes]
    return Inventory(
        identities=tuple(identities),
        grants=tuple(grants),
        policies=tuple(access.policies()),
        trusts=tuple(access.trusts()),
        workloads=tuple(workloads),
        identity_providers=tuple(access.identity_providers()),
        hierarchy=tuple(hierarchy),
        scopes=tuple(resources.scopes()),
        warnings=tuple(dict.fromkeys(notes)),
    )


__all__ = ["parse"]
