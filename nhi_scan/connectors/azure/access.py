"""Who may do what, from the Azure records: app role assignments (application permissions), Entra directory roles
(active and PIM-eligible), delegated consent, Azure RBAC, deny assignments, Key Vault access policies and custom
roles; and who may sign in from outside (federated identity credentials, as trusts and identity providers).
Credentials become the model's here too (key ids and dates only).

Names are resolved here once: an app role id through its resource's ``appRoles`` (or the bundled Microsoft Graph
permissions), a directory role definition id to its template id and name, an RBAC role GUID to its name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.claims_expression import claim_tests
from nhi_scan.connectors.azure.names import (
    APPLICATIONS,
    MICROSOFT_GRAPH_APP_ID,
    PRINCIPALS,
    SERVICE_PRINCIPALS,
    Directory,
    collection_of_principal_type,
    identity_id,
    issuer_host,
    role_definition_guid,
)
from nhi_scan.connectors.azure.records import (
    AccessPolicyRecord,
    AppRoleAssignmentRecord,
    Collected,
    CosmosSqlRoleAssignmentRecord,
    CosmosSqlRoleDefinitionRecord,
    DelegatedGrantRecord,
    DenyAssignmentRecord,
    DirectoryRoleAssignmentRecord,
    DirectoryRoleDefinitionRecord,
    FederatedCredentialRecord,
    RbacAssignmentRecord,
    RoleDefinitionRecord,
    SecretRecord,
    UnitMembersRecord,
)
from nhi_scan.model import (
    ClaimTest,
    Credential,
    CredentialKind,
    Grant,
    IdentityProvider,
    Policy,
    PolicyKind,
    PolicyVersion,
    Trust,
    TrustKind,
)
from nhi_scan.policy.azure import cosmos
from nhi_scan.policy.azure.roles import built_in_role, directory_roles, graph_app_roles
from nhi_scan.redact import quote


def secret_credential(secret: SecretRecord, holder: str) -> Credential:
    kind = CredentialKind.CLIENT_SECRET if secret.kind == "secret" else CredentialKind.CERTIFICATE
    return Credential(
        id=secret.key_id,
        kind=kind,
        identity_id=holder,
        active=True,
        created=secret.start,
        last_rotated=secret.start,
        expires=secret.end,
        label=secret.display_name or ("client secret" if secret.kind == "secret" else "certificate"),
        attributes={"hint": secret.hint, "type": secret.key_type, "usage": secret.usage},
    )


def fic_credential(fic: FederatedCredentialRecord, holder: str) -> Credential:
    return Credential(
        id=fic.id,
        kind=CredentialKind.FEDERATED,
        identity_id=holder,
        active=True,
        label=f"federated credential: {fic.issuer}",
        attributes={
            "name": fic.name,
            "issuer": issuer_host(fic.issuer),
            "subject": fic.subject,
            "audiences": list(fic.audiences),
            "claims_matching_expression": fic.expression,
        },
    )


def merge_federated(records: Iterable[FederatedCredentialRecord]) -> list[FederatedCredentialRecord]:
    """One record per credential id: a credential listed inline (v1.0, no expression) and on its own (beta, with
    ``claimsMatchingExpression``) keeps the fuller one and the holder either names."""
    merged: dict[str, FederatedCredentialRecord] = {}
    for record in records:
        known = merged.get(record.id)
        if known is None:
            merged[record.id] = record
            continue
        richer, other = (
            (record, known) if (record.expression or record.subject) and not known.expression else (known, record)
        )
        merged[record.id] = replace(
            richer,
            app_object_id=richer.app_object_id or other.app_object_id,
            app_id=richer.app_id or other.app_id,
            identity_resource_id=richer.identity_resource_id or other.identity_resource_id,
        )
    return list(merged.values())


class Access:
    def __init__(self, collected: Collected, directory: Directory, fics: Sequence[FederatedCredentialRecord]) -> None:
        self.c = collected
        self.directory = directory
        self.fics = fics
        self.notes: list[str] = []
        self.custom_roles = {
            r.guid: r for r in collected.of(RoleDefinitionRecord) if (r.role_type or "").lower() != "builtinrole"
        }

    def _principal(self, object_id: str, principal_type: str | None, what: str, source: str) -> str:
        principal = self.directory.principal(object_id, principal_type)
        if principal.startswith(f"{PRINCIPALS}/"):
            kind = f"a {principal_type} principal" if principal_type else "a principal no listing names"
            self.notes.append(f"{source}: {what} to {kind} ({object_id}): kept as {principal}")
        return principal

    def grants(self) -> list[Grant]:
        return [
            *self.app_roles(),
            *self.directory_roles(),
            *self.delegated_grants(),
            *self.rbac(),
            *self.deny(),
            *self.access_policies(),
            *self.cosmos_sql_roles(),
        ]

    def app_roles(self) -> list[Grant]:
        """Application permissions; the same assignment listed from both ends (a client's appRoleAssignments, the
        resource's appRoleAssignedTo) is one grant."""
        found: dict[tuple[str, str, str], Grant] = {}
        for record in self.c.of(AppRoleAssignmentRecord):
            principal = self._principal(record.principal_id, record.principal_type, "app role", record.source)
            resource = self.directory.service_principals.get(record.resource_id)
            resource_app = (resource.app_id if resource else None) or record.resource_app_id
            value = resource.app_roles.get(record.app_role_id) if resource else None
            if value is None and resource is None and resource_app is None:
                bundled = graph_app_roles().get(record.app_role_id)
                if bundled is not None:  # the resource is not listed: a Graph permission id, assumed to be Graph's
                    resource_app, value = MICROSOFT_GRAPH_APP_ID, bundled.value
                    self.notes.append(
                        f"{record.source}: app role {record.app_role_id} of unlisted service principal "
                        f"{record.resource_id} taken as Microsoft Graph {bundled.value}"
                    )
            if value is None and resource_app == MICROSOFT_GRAPH_APP_ID:
                bundled = graph_app_roles().get(record.app_role_id)
                value = bundled.value if bundled else None
            if value is None:
                self.notes.append(
                    f"{record.source}: app role {record.app_role_id} of {record.resource_id} is unknown (neither in "
                    "the resource's appRoles nor a Microsoft Graph permission): what it grants is not judged"
                )
            key = (principal, record.app_role_id, record.resource_id)
            found.setdefault(
                key,
                Grant(
                    principal_id=principal,
                    policy_id=record.app_role_id,
                    policy_name=value or record.app_role_id,
                    policy_kind=PolicyKind.APP_ROLE,
                    document={
                        "resource_id": identity_id(SERVICE_PRINCIPALS, record.resource_id),
                        "resource_app_id": resource_app,
                        "value": value,
                    },
                    provider=AZURE,
                    resource_scope=identity_id(SERVICE_PRINCIPALS, record.resource_id),
                ),
            )
        return list(found.values())

    def directory_roles(self) -> list[Grant]:
        definitions = {d.id: d for d in self.c.of(DirectoryRoleDefinitionRecord)}
        definitions |= {d.template_id: d for d in definitions.values() if d.template_id not in definitions}
        found: dict[tuple[str, str, str, bool], Grant] = {}
        units = self._unit_members()
        for record in self.c.of(DirectoryRoleAssignmentRecord):
            definition = definitions.get(record.role_definition_id)
            template = definition.template_id if definition else record.role_definition_id
            bundled = directory_roles().get(template)
            name = (definition.display_name if definition else None) or (bundled.name if bundled else template)
            if definition is None and bundled is None:
                self.notes.append(
                    f"{record.source}: directory role definition {record.role_definition_id} (assigned to "
                    f"{record.principal_id}) is neither built-in nor in the inputs: what it grants is not judged"
                )
            principal = self._principal(record.principal_id, None, f"directory role {name}", record.source)
            scope = self.directory.directory_scope(record.directory_scope_id)
            document: dict[str, Any] = {
                "role_definition_id": record.role_definition_id,
                "directory_scope_id": scope,
                "is_privileged": definition.is_privileged if definition else None,
                "built_in": bundled is not None or bool(definition and definition.is_built_in),
            }
            members = units.get(scope.lower())
            if members is not None:
                document["unit_members"] = members
            found.setdefault(
                (principal, template, scope, record.eligible),
                Grant(
                    principal_id=principal,
                    policy_id=template,
                    policy_name=name,
                    policy_kind=PolicyKind.DIRECTORY_ROLE,
                    document=document,
                    provider=AZURE,
                    resource_scope=scope,
                    eligible=record.eligible,
                ),
            )
        return list(found.values())

    def _unit_members(self) -> dict[str, list[str]]:
        """Identity ids of the members of each administrative unit whose members the inputs list, by its scope
        (``/administrativeunits/id``): a role scoped to one reaches those only."""
        found: dict[str, set[str]] = {}
        for record in self.c.of(UnitMembersRecord):
            members = found.setdefault(f"/administrativeunits/{record.unit_id.lower()}", set())
            members.update(self.directory.ref(m.object_id, m.collection) for m in record.members)
        return {unit: sorted(members) for unit, members in found.items()}

    def _consent(self, record: DelegatedGrantRecord) -> dict[str, Any]:
        return {
            "resource_id": identity_id(SERVICE_PRINCIPALS, record.resource_id),
            "scope": record.scope,
            "consent_type": record.consent_type,
            "principal_id": self.directory.principal(record.principal_id) if record.principal_id else None,
        }

    def delegated_grants(self) -> list[Grant]:
        """oauth2PermissionGrants: delegated scopes of a client on a resource, for one user or all of them."""
        found: dict[tuple[str, str], Grant] = {}
        for record in self.c.of(DelegatedGrantRecord):
            document = self._consent(record)
            client = identity_id(SERVICE_PRINCIPALS, record.client_id)
            key = record.id or f"{document['resource_id']}:{record.consent_type}:{document['principal_id'] or 'all'}"
            found.setdefault(
                (client, key),
                Grant(
                    principal_id=client,
                    policy_id=key,
                    policy_name=record.scope,
                    policy_kind=PolicyKind.DELEGATED_GRANT,
                    document=document,
                    provider=AZURE,
                    resource_scope=document["resource_id"],
                ),
            )
        return list(found.values())

    def delegated(self) -> dict[str, list[dict[str, Any]]]:
        """The same consents by client, as ``attributes["delegated_grants"]`` (kept for readers of that form)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for grant in self.delegated_grants():
            found.setdefault(grant.principal_id, []).append(dict(grant.document))
        return found

    def access_policies(self) -> list[Grant]:
        """Key Vault access policies: data-plane permissions on one vault, whatever RBAC says (a vault using RBAC
        ignores them: its scope's ``rbac`` attribute says so)."""
        found: dict[tuple[str, str, str | None], Grant] = {}
        for record in self.c.of(AccessPolicyRecord):
            key = (record.vault_id, record.object_id, record.application_id)
            if key in found:
                continue
            principal = self._principal(record.object_id, None, "Key Vault access policy", record.source)
            found[key] = Grant(
                principal_id=principal,
                policy_id=f"{record.vault_id}/accesspolicies/{record.object_id}",
                policy_name=f"Key Vault access policy on {record.vault_id.rsplit('/', 1)[-1]}",
                policy_kind=PolicyKind.ACCESS_POLICY,
                document={
                    "permissions": {k: list(v) for k, v in record.permissions.items()},
                    "object_id": record.object_id,
                    "application_id": record.application_id,
                },
                provider=AZURE,
                resource_scope=record.vault_id,
            )
        return list(found.values())

    def cosmos_sql_roles(self) -> list[Grant]:
        """Cosmos DB SQL role assignments: the account's own data-plane permissions (an access list of the account,
        like a vault's access policies; Azure RBAC does not evaluate them)."""
        names = {d.id: d.role_name for d in self.c.of(CosmosSqlRoleDefinitionRecord)}
        found: dict[str, Grant] = {}
        for record in self.c.of(CosmosSqlRoleAssignmentRecord):
            if record.id in found:
                continue
            built_in = cosmos.BUILT_IN.get(record.role_definition_id.rsplit("/", 1)[-1])
            role = names.get(record.role_definition_id) or (built_in.name if built_in else None)
            account = record.account_id.rsplit("/", 1)[-1]
            principal = self._principal(record.principal_id, None, "Cosmos DB SQL role assignment", record.source)
            found[record.id] = Grant(
                principal_id=principal,
                policy_id=record.id,
                policy_name=f"Cosmos DB SQL role {role or record.role_definition_id.rsplit('/', 1)[-1]} on {account}",
                policy_kind=PolicyKind.ACCESS_POLICY,
                document={
                    "role_definition_id": record.role_definition_id,
                    "role_name": role,
                    "scope": record.scope,
                    "object_id": record.principal_id,
                },
                provider=AZURE,
                resource_scope=record.account_id,
            )
        return list(found.values())

    def rbac(self) -> list[Grant]:
        """Azure RBAC assignments, once each (AzureHound lists an assignment under every object it applies to)."""
        found: dict[str, Grant] = {}
        for record in self.c.of(RbacAssignmentRecord):
            if record.id in found:
                continue
            guid = role_definition_guid(record.role_definition_id)
            custom, bundled = self.custom_roles.get(guid), built_in_role(guid)
            name = (
                record.role_definition_name
                or (custom.role_name if custom else None)
                or (bundled.name if bundled else guid)
            )
            kind = record.principal_type if collection_of_principal_type(record.principal_type) else None
            if record.principal_type and kind is None:
                principal = identity_id(PRINCIPALS, record.principal_id)
                note = (
                    f"{record.source}: role assignment {record.id.rsplit('/', 1)[-1]} ({name}) to a "
                    f"{quote(record.principal_type)} principal ({record.principal_id}): kept as {principal}"
                )
                self.notes.append(note if len(note) <= 280 else note[:279] + "…")
            else:
                principal = self._principal(record.principal_id, kind, f"role assignment ({name})", record.source)
            condition = (
                {"expression": record.condition, "version": record.condition_version} if record.condition else None
            )
            found[record.id] = Grant(
                principal_id=principal,
                policy_id=guid,
                policy_name=name,
                policy_kind=PolicyKind.RBAC_ASSIGNMENT,
                document={"role_definition_id": record.role_definition_id},
                provider=AZURE,
                resource_scope=record.scope,
                condition=condition,
            )
        return list(found.values())

    def deny(self) -> list[Grant]:
        found: dict[str, Grant] = {}
        for record in self.c.of(DenyAssignmentRecord):
            found.setdefault(
                record.id,
                Grant(
                    principal_id=record.scope,
                    policy_id=record.id,
                    policy_name=record.name or record.id.rsplit("/", 1)[-1],
                    policy_kind=PolicyKind.DENY_POLICY,
                    document={
                        "permissions": [dict(p) for p in record.permissions],
                        "principals": [dict(p) for p in record.principals],
                        "exclude_principals": [dict(p) for p in record.exclude_principals],
                        "applies_to_children": record.applies_to_children,
                    },
                    provider=AZURE,
                    resource_scope=record.scope,
                ),
            )
        return list(found.values())

    def policies(self) -> list[Policy]:
        """Custom role definitions (built-in roles come from the bundled data, never duplicated here)."""
        return [
            Policy(
                id=role.guid,
                name=role.role_name,
                provider=AZURE,
                scope=role.assignable_scopes[0] if role.assignable_scopes else "/",
                versions=(
                    PolicyVersion(
                        version_id="1", document={"permissions": [dict(p) for p in role.permissions]}, is_default=True
                    ),
                ),
            )
            for role in self.custom_roles.values()
        ]

    def _fic_target(self, fic: FederatedCredentialRecord) -> str | None:
        if fic.identity_resource_id:
            principal = self.directory.principal_by_resource.get(fic.identity_resource_id)
            return identity_id(SERVICE_PRINCIPALS, principal) if principal else None
        app_id = fic.app_id or self.directory.app_id_by_app.get(fic.app_object_id or "")
        return self.directory.service_principal_of_app(app_id) or (
            identity_id(APPLICATIONS, fic.app_object_id) if fic.app_object_id else None
        )

    def trusts(self) -> list[Trust]:
        """Each federated credential lets its issuer's tokens (with that subject, or matching the flexible
        expression) sign in as the service principal of the app, or as the managed identity."""
        found: list[Trust] = []
        for fic in self.fics:
            target = self._fic_target(fic)
            if target is None:
                holder = fic.identity_resource_id or fic.app_object_id or fic.app_id
                self.notes.append(
                    f"{fic.source}: federated credential {fic.id} of {holder}, which no listing names: not used"
                )
                continue
            if target.startswith(f"{APPLICATIONS}/"):
                self.notes.append(
                    f"{fic.source}: no service principal listed for {target}: its federated credential {fic.id} "
                    "trusts the application"
                )
            conditions: dict[str, Any] = {"name": fic.name}
            unjudged = None
            if fic.expression:
                conditions["claims_matching_expression"] = fic.expression
                tests, unjudged = claim_tests(fic.expression)
            else:
                tests = (ClaimTest(claim="sub", values=(fic.subject or "",)),)
            if fic.audiences:
                tests = (*tests, ClaimTest(claim="aud", values=fic.audiences))
            holder = "managed identity" if fic.identity_resource_id else "application"
            found.append(
                Trust(
                    target_id=target,
                    principal_type=TrustKind.FEDERATED,
                    principal=fic.issuer,
                    actions=("federated-credential",),
                    conditions=conditions,
                    provider=AZURE,
                    issuer=issuer_host(fic.issuer),
                    subjects=(fic.subject,) if fic.subject and not fic.expression else (),
                    audiences=fic.audiences,
                    claims=tests,
                    unjudged=unjudged,
                    description=f"federated identity credential {fic.name or fic.id} of the {holder}",
                )
            )
        return found

    def identity_providers(self) -> list[IdentityProvider]:
        audiences: dict[str, set[str]] = {}
        for fic in self.fics:
            audiences.setdefault(issuer_host(fic.issuer), set()).update(fic.audiences)
        return [
            IdentityProvider(
                id=f"azure-fic-issuer:{issuer}",
                provider=AZURE,
                issuer=issuer,
                protocol="oidc",
                scope=self.directory.tenant,
                audiences=tuple(sorted(found)),
            )
            for issuer, found in audiences.items()
        ]
