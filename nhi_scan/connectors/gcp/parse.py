"""GCP records -> Inventory: service accounts with their keys and usage, people and groups named in policies, every
binding as a Grant at its canonical resource, custom roles, deny rules, the resource hierarchy, workload identity
providers, and what runs as each service account."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.federation import federated_trusts
from nhi_scan.connectors.gcp.names import Names, default_account, member_of_email, service_agent
from nhi_scan.connectors.gcp.records import (
    ActivityCoverage,
    ActivityRecord,
    DenyPolicyRecord,
    KeyRecord,
    PolicyRecord,
    PoolProviderRecord,
    PoolRecord,
    Record,
    Records,
    RoleRecord,
    ScopeRecord,
    ServiceAccountRecord,
    WorkloadRecord,
)
from nhi_scan.connectors.gcp.rest import reasoning_engine_agent
from nhi_scan.connectors.loader import LoadedDocument
from nhi_scan.model import (
    Credential,
    CredentialKind,
    Grant,
    Identity,
    IdentityKind,
    IdentityProvider,
    Inventory,
    Policy,
    PolicyKind,
    PolicyVersion,
    Scope,
    ScopeKind,
    Trust,
    Workload,
)
from nhi_scan.policy.gcp.roles import predefined_role
from nhi_scan.redact import quote

_HUMAN_KINDS = {"user": IdentityKind.USER, "group": IdentityKind.GROUP}
_APP_LABELS = ("app", "application", "service", "component", "workload", "system", "project")
_SCOPE_KINDS = {"organization": ScopeKind.ORGANIZATION, "folder": ScopeKind.FOLDER, "project": ScopeKind.PROJECT}
#: A GKE Workload Identity member's account: ``PROJECT.svc.id.goog[NAMESPACE/KSA]``.
_GKE_ACCOUNT = re.compile(r"([a-z0-9][a-z0-9.:-]*)\.svc\.id\.goog\[([^\]]+)\]")
_WIF_MEMBER = re.compile(
    r"^principal(Set)?://iam\.googleapis\.com/projects/([^/]+)/locations/[^/]+/workloadIdentityPools/([^/]+)/(.*)$"
)


@dataclass(slots=True)
class _Collected:
    by_type: dict[type, list[Any]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)

    def of(self, kind: type) -> list[Any]:
        return self.by_type.get(kind, [])


def _collect(documents: Iterable[LoadedDocument]) -> _Collected:
    collected = _Collected()
    for document in documents:
        payload = document.payload
        if not isinstance(payload, Records):
            continue
        for item in payload.items:
            collected.by_type[type(item)].append(item)
        collected.notes.extend(payload.notes)
    return collected


def _owner(account: ServiceAccountRecord, keys: Sequence[str]) -> str | None:
    """An owner written into the description as ``owner=team`` or ``owner: team`` (service accounts have no labels)."""
    text = f"{account.description or ''} {account.display_name or ''}"
    for key in keys:
        match = re.search(rf"\b{re.escape(key)}\s*[:=]\s*([^\s,;]+)", text, re.IGNORECASE)
        if match:
            return match.group(1)
    return None


def _key_credential(key: KeyRecord, identity_id: str, used: Mapping[str, datetime], covered: bool) -> Credential:
    last_used = used.get(key.key_id)
    return Credential(
        id=key.key_id,
        kind=CredentialKind.SERVICE_ACCOUNT_KEY,
        identity_id=identity_id,
        active=not key.disabled,
        created=key.valid_after,
        last_rotated=key.valid_after,
        last_used=last_used,
        expires=key.valid_before,
        never_used=covered and last_used is None,
        label="user-managed key",
        attributes={
            "never_expires": key.valid_before is None,
            "disable_reason": key.disable_reason,
            "extended_status": list(key.extended_status),
            "origin": key.origin,
        },
    )


class _Builder:
    def __init__(self, collected: _Collected, owner_keys: Sequence[str]) -> None:
        self.c = collected
        self.owner_keys = owner_keys
        scopes: list[ScopeRecord] = collected.of(ScopeRecord)
        accounts: list[ServiceAccountRecord] = collected.of(ServiceAccountRecord)
        self.names = Names(scopes, accounts)
        self.projects: set[str] = set()
        self.hierarchy: dict[str, Scope] = {}
        self._accounts_by_project: dict[str, list[str]] | None = None
        #: What the inputs leave undecided, each naming its file (the report's warnings).
        self.notes: list[str] = []

    def project(self, ref: str | None) -> str | None:
        found = self.names.project(ref)
        if found:
            self.projects.add(found)
        return found

    def scopes(self) -> None:
        for record in self.c.of(ScopeRecord):
            name = self.names.resource(record.name)
            parent = self.names.resource(record.parent) if record.parent else None
            known = self.hierarchy.get(name)
            parent = parent or (known.parent if known is not None else None)  # another input may give it
            number = {"project_number": record.project_number} if record.project_number else {}
            self.hierarchy[name] = Scope(
                id=name,
                provider=GCP,
                kind=_SCOPE_KINDS[record.kind],
                name=record.display_name,
                parent=parent,
                attributes=number,
            )
            if record.kind == "project" and record.project_id:
                self.projects.add(record.project_id)

    def resource_scope(self, resource: str, project: str | None) -> None:
        """A resource with a policy: under its project in the hierarchy (or a top-level scope of its own)."""
        if resource in self.hierarchy:
            return
        kind = resource.split("/", 1)[0]
        if kind in ("organizations", "folders", "projects") and resource.count("/") == 1:
            self.hierarchy[resource] = Scope(id=resource, provider=GCP, kind=_SCOPE_KINDS[kind[:-1]])
            return
        owner = self.project(project) if project else None
        parent = f"projects/{owner}" if owner else None
        self.hierarchy[resource] = Scope(id=resource, provider=GCP, kind=ScopeKind.RESOURCE, parent=parent)

    def accounts(self) -> list[Identity]:
        keys_by_account: dict[str, list[KeyRecord]] = defaultdict(list)
        for key in self.c.of(KeyRecord):
            if key.user_managed:
                keys_by_account[self.names.email(key.email)].append(key)
        used_keys: dict[str, datetime] = {}
        used_accounts: dict[str, datetime] = {}
        for record in self.c.of(ActivityRecord):
            if record.last_authenticated is None:
                continue
            target = used_keys if record.kind == "key" else used_accounts
            subject = record.subject if record.kind == "key" else self.names.email(record.subject)
            if subject not in target or target[subject] < record.last_authenticated:
                target[subject] = record.last_authenticated
        coverage: dict[tuple[str, str | None], datetime | None] = {}
        for answer in self.c.of(ActivityCoverage):
            key = (answer.kind, self.project(answer.project))
            known = coverage.get(key)
            coverage[key] = answer.since if known is None else min(known, answer.since or known)
        seen: dict[str, Identity] = {}
        for account in self.c.of(ServiceAccountRecord):
            email = account.email
            project = self.project(account.project) or account.project
            identity_id = member_of_email(email)
            credentials = tuple(
                _key_credential(k, identity_id, used_keys, ("key", project) in coverage)
                for k in sorted(keys_by_account.get(email, []), key=lambda k: k.key_id)
            )
            default = default_account(email)
            seen[identity_id] = Identity(
                id=identity_id,
                provider=GCP,
                kind=IdentityKind.SERVICE_ACCOUNT,
                name=email,
                scope=project,
                machine=True,
                machine_reason="GCP service account" if default is None else f"default {default} service account",
                last_used=used_accounts.get(email),
                last_used_known=("service-account", project) in coverage,
                usage_tracked_since=coverage.get(("service-account", project)),
                owner=_owner(account, self.owner_keys),
                credentials=credentials,
                provider_managed=service_agent(email),
                sources=(account.source,),
                aliases=_aliases(email, account.unique_id, project),
                enabled=not account.disabled,
                attributes={
                    "unique_id": account.unique_id,
                    "project_number": self.names.project_numbers.get(project),
                    "default_account": default,
                    "display_name": account.display_name,
                },
            )
        return list(seen.values())

    def members(self, known: set[str]) -> list[Identity]:
        """People, groups and service accounts named in bindings but not listed (service agents, other projects)."""
        found: dict[str, Identity] = {}
        for record in self.c.of(PolicyRecord):
            for binding in record.bindings:
                for member in binding.members:
                    if member in known or member in found:
                        continue
                    kind, _, email = member.partition(":")
                    if kind in _HUMAN_KINDS and email:
                        found[member] = Identity(
                            id=member,
                            provider=GCP,
                            kind=_HUMAN_KINDS[kind],
                            name=email,
                            scope=self._org() or "gcp",
                            machine=False,
                            machine_reason=f"a Google {kind} named in IAM policies",
                            sources=(record.source,),
                        )
                    elif kind == "serviceAccount" and email:
                        gke = _GKE_ACCOUNT.fullmatch(email)
                        project = gke.group(1) if gke else self.names.project_of_account(email) or "unknown"
                        why = (
                            f"Kubernetes service account {gke.group(2)} of GKE Workload Identity (pool "
                            f"{gke.group(1)}.svc.id.goog), named in IAM policies"
                            if gke
                            else "service account named in IAM policies (not in the service account lists)"
                        )
                        found[member] = Identity(
                            id=member,
                            provider=GCP,
                            kind=IdentityKind.SERVICE_ACCOUNT,
                            name=email,
                            scope=project,
                            machine=True,
                            machine_reason=why,
                            provider_managed=service_agent(email),
                            sources=(record.source,),
                            aliases=(email,),
                            attributes={"listed": False, "default_account": default_account(email)},
                        )
        return list(found.values())

    def _org(self) -> str | None:
        return next((s.id for s in self.hierarchy.values() if s.kind is ScopeKind.ORGANIZATION), None)

    def grants(self) -> tuple[list[Grant], list[Trust]]:
        grants: list[Grant] = []
        trusts: list[Trust] = []
        direct: dict[str, re.Match[str]] = {}
        for record in self.c.of(PolicyRecord):
            resource = self.names.resource(record.resource)
            self.resource_scope(resource, record.project or _project_in(resource))
            for binding in record.bindings:
                for member in binding.members:
                    grants.append(
                        Grant(
                            principal_id=member,
                            policy_id=binding.role,
                            policy_name=binding.role,
                            policy_kind=PolicyKind.ROLE_BINDING,
                            document={"role": binding.role},
                            provider=GCP,
                            resource_scope=resource,
                            condition=binding.condition,
                        )
                    )
                    federated = _WIF_MEMBER.match(member)
                    if federated:
                        for target in self._impersonated(resource):
                            trusts.extend(self._federation(member, federated, binding.role, target))
                        if "/serviceAccounts/" not in resource and member not in direct:
                            direct[member] = federated
        for member, federated in direct.items():  # it holds roles itself: token holders sign in as it
            trusts.extend(self._federation(member, federated, None, member))
        return grants, trusts

    def federated_principals(self) -> list[Identity]:
        """``principal://`` / ``principalSet://`` members that hold roles on resources themselves (not only the
        right to impersonate a service account): principals of their own, which federated token holders become."""
        found: dict[str, Identity] = {}
        for record in self.c.of(PolicyRecord):
            resource = self.names.resource(record.resource)
            if "/serviceAccounts/" in resource:
                continue
            for binding in record.bindings:
                for member in binding.members:
                    match = _WIF_MEMBER.match(member)
                    if match is None or member in found:
                        continue
                    single = match.group(1) is None
                    found[member] = Identity(
                        id=member,
                        provider=GCP,
                        kind=IdentityKind.USER if single else IdentityKind.GROUP,
                        name=f"{'principal' if single else 'principalSet'} {match.group(3)}/{match.group(4)}",
                        scope=self.project(match.group(2)) or match.group(2),
                        machine=False,
                        machine_reason="federated principal of a workload identity pool",
                        sources=(record.source,),
                        attributes={"federated_principal": True, "pool": match.group(3)},
                    )
        return list(found.values())

    def _impersonated(self, resource: str) -> list[str]:
        """The service accounts a binding on ``resource`` lets its members impersonate: the account itself, or
        every account of a project (a project-level binding is inherited by its accounts)."""
        if "/serviceAccounts/" in resource:
            return [member_of_email(resource.rsplit("/", 1)[1])]
        if resource.startswith("projects/") and resource.count("/") == 1:
            if self._accounts_by_project is None:
                self._accounts_by_project = {}
                for account in self.c.of(ServiceAccountRecord):
                    project = self.project(account.project) or account.project
                    self._accounts_by_project.setdefault(project, []).append(member_of_email(account.email))
            return self._accounts_by_project.get(resource.split("/", 1)[1], [])
        return []

    def _federation(self, member: str, match: re.Match[str], role: str | None, target: str) -> list[Trust]:
        """Who may become ``target`` through ``member``: a service account it holds ``role`` on, or (``role`` None)
        the federated principal itself."""
        permissions = self._role_permissions(role) if role else frozenset(_TOKEN_PERMISSIONS)
        if permissions is not None and not permissions & _TOKEN_PERMISSIONS:
            return []  # the role lets its holder see the account, not act as it
        pool = self.names.resource(f"projects/{match.group(2)}/locations/global/workloadIdentityPools/{match.group(3)}")
        disabled = any(p.disabled and _same_pool(p.name, pool, self.names) for p in self.c.of(PoolRecord))
        providers = [p for p in self.c.of(PoolProviderRecord) if not disabled and _same_pool(p.pool, pool, self.names)]
        unknown = f"{role} lets its holder obtain the account's tokens (a role whose permissions are not given)"
        return federated_trusts(
            member,
            match.group(4),
            role or "its own roles",
            target,
            pool,
            providers,
            unjudged=None if permissions is not None else unknown,
        )

    def _role_permissions(self, role: str) -> frozenset[str] | None:
        predefined = predefined_role(role)
        if predefined is not None:
            return predefined.permissions
        wanted = self.names.resource(role)
        for record in self.c.of(RoleRecord):
            if self.names.resource(record.name) == wanted:
                return frozenset(record.permissions)
        return None

    def deny_rules(self) -> list[Grant]:
        found: list[Grant] = []
        for record in self.c.of(DenyPolicyRecord):
            attachment = self.names.resource(record.attachment)
            self.resource_scope(attachment, None)
            for index, rule in enumerate(record.rules):
                found.append(
                    Grant(
                        principal_id=attachment,
                        policy_id=f"{record.name}#{index}",
                        policy_name=record.name.rsplit("/", 1)[-1],
                        policy_kind=PolicyKind.DENY_POLICY,
                        document={
                            "deniedPrincipals": list(rule.denied_principals),
                            "exceptionPrincipals": list(rule.exception_principals),
                            "deniedPermissions": list(rule.denied_permissions),
                            "exceptionPermissions": list(rule.exception_permissions),
                        },
                        provider=GCP,
                        resource_scope=attachment,
                        condition={"expression": rule.condition} if rule.condition else None,
                    )
                )
        return found

    def roles(self) -> list[Policy]:
        found: dict[str, Policy] = {}
        for record in self.c.of(RoleRecord):
            if record.name.startswith("roles/"):
                continue  # a predefined role described: the bundled dataset already has it
            name = self.names.resource(record.name)
            found[name] = Policy(
                id=name,
                name=record.title or name.rsplit("/", 1)[-1],
                provider=GCP,
                scope=name.split("/roles/", 1)[0],
                versions=(
                    PolicyVersion(
                        version_id="1",
                        document={"includedPermissions": list(record.permissions), "deleted": record.deleted},
                        is_default=True,
                    ),
                ),
            )
        return list(found.values())

    def identity_providers(self) -> list[IdentityProvider]:
        found: list[IdentityProvider] = []
        for record in self.c.of(PoolProviderRecord):
            project = self.project(record.project) or record.project
            issuer = record.issuer or (f"aws:{record.aws_account}" if record.aws_account else record.name)
            found.append(
                IdentityProvider(
                    id=record.name,
                    provider=GCP,
                    issuer=_issuer_host(issuer),
                    protocol=record.protocol,
                    scope=project,
                    audiences=record.allowed_audiences,
                    condition=record.attribute_condition,
                    enabled=not record.disabled,
                    attributes={
                        "pool": self.names.resource(record.pool),
                        "attribute_mapping": dict(record.attribute_mapping),
                        "aws_account": record.aws_account,
                    },
                )
            )
        return found

    def workloads(self) -> list[Workload]:
        found: dict[str, Workload] = {}
        for record in self.c.of(WorkloadRecord):
            project = self.project(record.project) or record.project
            emails = [self.names.email(e) for e in record.service_accounts if e]
            if not emails and record.kind == "reasoning-engine":
                emails = self._engine_agent(record, project)
            if not emails:
                continue
            identifier = self.names.resource(record.id)
            found[identifier] = Workload(
                id=identifier,
                kind=record.kind,
                name=record.name,
                identity_id=member_of_email(emails[0]),
                other_identity_ids=tuple(member_of_email(e) for e in emails[1:]),
                provider=GCP,
                scope=project,
                attributes={
                    "service": record.kind.split("-", 1)[0],
                    "region": record.region,
                    "labels": dict(record.labels),
                },
                application=next((record.labels[k] for k in _APP_LABELS if record.labels.get(k)), None),
            )
        return list(found.values())

    def _engine_agent(self, record: WorkloadRecord, project: str) -> list[str]:
        """An agent without ``spec.serviceAccount`` named by project id runs as the project's Reasoning Engine
        service agent, named by the project's number: from the inputs, or said (never dropped in silence)."""
        number = self.names.project_numbers.get(project)
        if number:
            return [reasoning_engine_agent(number)]
        self.notes.append(
            f"{record.source}: reasoning engine {quote(record.id)} has no spec.serviceAccount and the inputs do not "
            f"give the number of project {quote(project)}: the service agent it runs as cannot be named (left out)"
        )
        return []

    def orphan_projects(self) -> None:
        """A project without a parent in an estate that describes an organization or folder is said: read as
        written it is outside them, and every grant it would inherit from them is left out (a damaged export
        cannot be told from a project outside the organization)."""
        above = [s.id for s in self.hierarchy.values() if s.kind in (ScopeKind.ORGANIZATION, ScopeKind.FOLDER)]
        if not above:
            return
        for record in self.c.of(ScopeRecord):
            scope = self.hierarchy.get(self.names.resource(record.name))
            if record.kind == "project" and record.parent is None and scope is not None and scope.parent is None:
                self.notes.append(
                    f"{record.source}: project {quote(str(record.project_id))} has no parent while the inputs "
                    f"describe {quote(sorted(above)[0])}: read as outside it, it inherits none of its grants"
                )


#: Permissions that let a principal act as a service account (roles/iam.workloadIdentityUser holds both).
_TOKEN_PERMISSIONS = frozenset({"iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.getOpenIdToken"})


def _project_in(resource: str) -> str | None:
    return resource.split("/", 2)[1] if resource.startswith("projects/") else None


def _issuer_host(issuer: str) -> str:
    """``https://token.actions.githubusercontent.com/`` -> ``token.actions.githubusercontent.com`` (as AWS names it)."""
    return re.sub(r"^https?://", "", issuer).rstrip("/")


def _same_pool(provider_pool: str, member_pool: str, names: Names) -> bool:
    return names.resource(provider_pool) == names.resource(member_pool)


def _aliases(email: str, unique_id: str | None, project: str) -> tuple[str, ...]:
    return tuple(a for a in (email, unique_id, f"projects/{project}/serviceAccounts/{email}") if a)


def _agents(identities: list[Identity], workloads: Sequence[Workload]) -> list[Identity]:
    """Service accounts AI agents run as (Vertex AI Agent Engine), marked with why."""
    agents = {w.identity_id: w for w in workloads if w.kind == "reasoning-engine"}
    return [
        replace(i, agent_reason=f"Vertex AI Agent Engine agent {agents[i.id].name} runs as it") if i.id in agents else i
        for i in identities
    ]


def parse(documents: Sequence[LoadedDocument], *, owner_tag_keys: Sequence[str]) -> Inventory:
    """The GCP documents of a scan -> its inventory."""
    collected = _collect(documents)
    builder = _Builder(collected, owner_tag_keys)
    builder.scopes()
    accounts = builder.accounts()
    grants, trusts = builder.grants()
    deny = builder.deny_rules()
    identities = accounts + builder.members({i.id for i in accounts}) + builder.federated_principals()
    workloads = builder.workloads()
    identities = _agents(identities, workloads)
    for identity in identities:
        if identity.kind is IdentityKind.SERVICE_ACCOUNT and identity.scope not in ("unknown",):
            builder.projects.add(identity.scope)
    builder.orphan_projects()
    notes = list(collected.notes) + builder.notes
    unnamed = sum(1 for i in identities if i.scope == "unknown")
    if unnamed:
        notes.append(f"{unnamed} service accounts named in policies belong to projects the inputs do not describe")
    return Inventory(
        identities=tuple(identities),
        grants=tuple(grants + deny),
        policies=tuple(builder.roles()),
        trusts=tuple(trusts),
        workloads=tuple(workloads),
        identity_providers=tuple(builder.identity_providers()),
        hierarchy=tuple(builder.hierarchy.values()),
        scopes=tuple((GCP, project) for project in sorted(builder.projects)),
        warnings=tuple(notes),
    )


__all__ = ["Record", "parse"]
