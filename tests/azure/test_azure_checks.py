"""The Azure checks on small inventories built from model records: the sample tenant's planted problems and decoys
(sample_data/azure/README.md) in one scenario, then each check's edge cases one by one."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure import (
    azure_agent_user_orphaned,
    azure_agent_without_sponsor,
    azure_client_secret_in_use,
    azure_credential_expired,
    azure_credential_expiring,
    azure_credential_long_lived,
    azure_delegated_consent_broad,
    azure_disabled_privileged,
    azure_federation_broad,
    azure_foreign_privileged,
    azure_managed_identity_admin,
    azure_privileged_guest_owner,
    azure_privileged_no_owner,
    azure_tier0_secret,
)
from nhi_scan.connectors.azure import AZURE
from nhi_scan.discovery import iter_modules
from nhi_scan.graph import IdentityGraph
from nhi_scan.model import (
    Credential,
    CredentialKind,
    Finding,
    Grant,
    Identity,
    IdentityKind,
    Inventory,
    PolicyKind,
    Severity,
    Trust,
    TrustKind,
    Workload,
)
from nhi_scan.policy.azure.roles import (
    MICROSOFT_GRAPH_APP_ID,
    built_in_role_by_name,
    directory_roles,
    graph_app_role_by_value,
)
from nhi_scan.settings import Settings
from nhi_scan.timeutil import parse_timestamp

NOW = datetime(2026, 11, 29, tzinfo=UTC)
TENANT = "9a1c5e3b-7f2d-4c8a-b6e1-3d5f7a9c1e24"
MICROSOFT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
PROD = "/subscriptions/3f6c2b8e-1d4a-4e7b-9c05-8a2f61d4b7e3"
DEV = "/subscriptions/b81e4d27-6c3f-4a90-8d12-5e7a3c9f0b46"
ROOT_MG = f"/providers/microsoft.management/managementgroups/{TENANT}"
GITHUB = "token.actions.githubusercontent.com"
H, M, L, INFO, C = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO, Severity.CRITICAL


# -- builders -----------------------------------------------------------------------------------------------------


def oid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.northwind.example"))


def when(text: str) -> datetime:
    moment = parse_timestamp(text)
    assert moment is not None
    return moment


def identity(kind: IdentityKind, collection: str, name: str, **fields: Any) -> Identity:
    attributes = {"object_id": oid(name), **fields.pop("attributes", {})}
    return Identity(
        id=f"{collection}/{oid(name)}",
        provider=AZURE,
        kind=kind,
        name=name,
        scope=TENANT,
        machine=kind is not IdentityKind.USER,
        machine_reason="test",
        attributes=attributes,
        **fields,
    )


def user(name: str, *, guest: bool = False, **attributes: Any) -> Identity:
    return identity(
        IdentityKind.USER, "users", name, attributes={"user_type": "Guest" if guest else "Member", **attributes}
    )


def secret(
    holder: str, label: str, start: str, end: str, kind: CredentialKind = CredentialKind.CLIENT_SECRET
) -> Credential:
    return Credential(
        id=f"{holder}/credentials/{oid(holder + label)}",
        kind=kind,
        identity_id=holder,
        active=when(end) > NOW,
        created=when(start),
        expires=when(end),
        label=label,
        attributes={"usage": "Verify"} if kind is CredentialKind.CERTIFICATE else {},
    )


def certificate(holder: str, label: str, start: str, end: str) -> Credential:
    return secret(holder, label, start, end, CredentialKind.CERTIFICATE)


def federated_credential(holder: str, label: str) -> Credential:
    return Credential(id=f"{holder}/fic/{oid(label)}", kind=CredentialKind.FEDERATED, identity_id=holder, active=True)


def registered(
    name: str,
    *,
    owners: Sequence[str] = (),
    sp_owners: Sequence[str] = (),
    credentials: Iterable[tuple[str, str, str, CredentialKind]] = (),
    audience: str = "AzureADMyOrg",
    enabled: bool = True,
    blueprint: bool = False,
    federated: int = 0,
) -> tuple[Identity, Identity]:
    """An application of this tenant and its service principal, linked both ways."""
    app_id = oid(name + "-appid")
    app_key, sp_key = f"applications/{oid(name)}", f"servicePrincipals/{oid(name + '-sp')}"
    creds = [secret(app_key, label, start, end, kind) for label, start, end, kind in credentials]
    creds += [federated_credential(app_key, f"{name}-fic-{n}") for n in range(federated)]
    marker = {"agent_blueprint": True} if blueprint else {}
    app = replace(
        identity(IdentityKind.APPLICATION, "applications", name),
        owners=tuple(owners),
        credentials=tuple(creds),
        attributes={
            "object_id": oid(name),
            "app_id": app_id,
            "sign_in_audience": audience,
            "service_principal_id": sp_key,
            **marker,
        },
    )
    principal = replace(
        identity(IdentityKind.SERVICE_PRINCIPAL, "servicePrincipals", name + "-sp"),
        name=name,
        owners=tuple(sp_owners),
        enabled=enabled,
        attributes={
            "object_id": oid(name + "-sp"),
            "app_id": app_id,
            "service_principal_type": "Application",
            "app_owner_organization_id": TENANT,
            "foreign": False,
            "sign_in_audience": audience,
            "application_id": app_key,
            **marker,
        },
    )
    return app, principal


def service_principal(
    name: str, *, home: str, kind: IdentityKind = IdentityKind.SERVICE_PRINCIPAL, **fields: Any
) -> Identity:
    attributes = {
        "app_id": oid(name + "-appid"),
        "service_principal_type": "Application",
        "app_owner_organization_id": home,
        "foreign": home != TENANT,
        **fields.pop("attributes", {}),
    }
    return identity(kind, "servicePrincipals", name, attributes=attributes, enabled=True, **fields)


def managed_identity(name: str, *, user_assigned: bool) -> Identity:
    key = f"servicePrincipals/{oid(name)}"
    rotating = certificate(key, f"CN={oid(name)}", "2026-11-09T06:12:40Z", "2027-02-07T06:12:40Z")
    return identity(
        IdentityKind.MANAGED_IDENTITY,
        "servicePrincipals",
        name,
        enabled=True,
        credentials=(rotating,),
        attributes={
            "service_principal_type": "ManagedIdentity",
            "app_owner_organization_id": MICROSOFT,
            "foreign": False,
            "user_assigned": user_assigned,
        },
    )


def app_role(principal: Identity, value: str) -> Grant:
    role = graph_app_role_by_value(value)
    assert role is not None, value
    return Grant(
        principal_id=principal.id,
        policy_id=role.id,
        policy_name=value,
        policy_kind=PolicyKind.APP_ROLE,
        document={"resource_id": oid("graph"), "resource_app_id": MICROSOFT_GRAPH_APP_ID, "value": value},
        provider=AZURE,
    )


def directory_role(principal: Identity, name: str, scope: str = "/", *, eligible: bool = False) -> Grant:
    template = next(r.template_id for r in directory_roles().values() if r.name == name)
    return Grant(
        principal_id=principal.id,
        policy_id=template,
        policy_name=name,
        policy_kind=PolicyKind.DIRECTORY_ROLE,
        document={},
        provider=AZURE,
        resource_scope=scope,
        eligible=eligible,
    )


def rbac(principal: Identity, name: str, scope: str, **fields: Any) -> Grant:
    role = built_in_role_by_name(name)
    assert role is not None, name
    return Grant(
        principal_id=principal.id,
        policy_id=role.id,
        policy_name=name,
        policy_kind=PolicyKind.RBAC_ASSIGNMENT,
        document={},
        provider=AZURE,
        resource_scope=scope.lower(),
        **fields,
    )


def federation(
    target: Identity, *, subject: str | None = None, expression: str | None = None, issuer: str = GITHUB
) -> Trust:
    conditions = {"claims_matching_expression": expression} if expression else {}
    return Trust(
        target_id=target.id,
        principal_type=TrustKind.FEDERATED,
        principal=f"https://{issuer}",
        actions=(),
        conditions=conditions,
        provider=AZURE,
        issuer=issuer,
        subjects=(subject,) if subject else (),
        audiences=("api://AzureADTokenExchange",),
    )


def workload(kind: str, name: str, runs_as: Identity, scope: str = PROD) -> Workload:
    return Workload(
        id=f"{scope}/resourcegroups/rg/providers/x/{name}",
        kind=kind,
        name=name,
        identity_id=runs_as.id,
        provider=AZURE,
        scope=scope,
    )


def run(check: Check, inventory: Inventory) -> list[Finding]:
    context = CheckContext(
        inventory=inventory, graph=IdentityGraph.from_inventory(inventory), settings=Settings(), now=NOW
    )
    return list(check.run(context))


def found(check: Check, inventory: Inventory) -> set[tuple[str, Severity]]:
    names = {i.id: i.name for i in inventory.identities}
    return {
        (names.get(f.subject) or names.get(f.identity or "") or f.subject, f.severity) for f in run(check, inventory)
    }


SECRET, CERT = CredentialKind.CLIENT_SECRET, CredentialKind.CERTIFICATE


# -- the sample tenant --------------------------------------------------------------------------------------------


def tenant() -> Inventory:
    """What the Azure parser reads from sample_data/azure, as far as these checks look."""
    alice, bob, carol = user("alice.ng@northwind.example"), user("bob.ito@northwind.example"), user("carol")
    jordan = user("jdoe_contractor.example#EXT#@northwindanalytics.onmicrosoft.com", guest=True)
    priya = user("praman_auditfirm.example#EXT#@northwindanalytics.onmicrosoft.com", guest=True)
    pilot = user("support-agent-pilot@northwind.example", agent_user=oid("deleted-pilot-agent"))
    graph = service_principal("Microsoft Graph", home=MICROSOFT, provider_managed=True)
    graph = replace(graph, attributes={**graph.attributes, "app_id": MICROSOFT_GRAPH_APP_ID})

    deploy_bot = registered(
        "deploy-bot",
        owners=[jordan.id],
        credentials=[("deploy-pipeline", "2026-06-01T08:14:22Z", "2028-06-01T08:14:22Z", SECRET)],
    )
    consent = registered(
        "consent-automation",
        owners=[bob.id],
        credentials=[("CN=consent", "2024-03-01T00:00:00Z", "2029-03-01T00:00:00Z", CERT)],
    )
    ci = registered(
        "ci-orchestrator",
        owners=[alice.id],
        credentials=[("ci-2026h2", "2026-07-01T06:00:00Z", "2027-01-01T06:00:00Z", SECRET)],
    )
    sync = registered(
        "app-registry-sync",
        sp_owners=[ci[1].id],
        credentials=[("sync", "2026-05-10T12:00:00Z", "2027-05-10T12:00:00Z", SECRET)],
    )
    helpdesk = registered(
        "helpdesk-automation",
        owners=[bob.id],
        credentials=[("helpdesk", "2026-02-01T10:00:00Z", "2027-02-01T10:00:00Z", SECRET)],
    )
    portal = registered(
        "portal-config",
        owners=[bob.id],
        credentials=[("portal-config", "2026-03-15T09:00:00Z", "2027-03-15T09:00:00Z", SECRET)],
    )
    billing = registered(
        "billing-portal",
        owners=[bob.id],
        audience="AzureADMultipleOrgs",
        credentials=[("CN=billing-portal", "2026-01-10T00:00:00Z", "2027-01-10T00:00:00Z", CERT)],
    )
    vm_operator = registered(
        "vm-operator",
        owners=[alice.id],
        credentials=[("vm-operator", "2026-04-01T07:30:00Z", "2027-04-01T07:30:00Z", SECRET)],
    )
    infra = registered("gh-actions-infra", owners=[alice.id], federated=1)
    api = registered("gh-actions-api", owners=[bob.id], federated=1)
    legacy_gh = registered("gh-actions-legacy", owners=[bob.id], federated=1)
    reporting = registered(
        "legacy-reporting",
        owners=[alice.id],
        enabled=False,
        credentials=[("reporting", "2025-10-01T08:00:00Z", "2027-10-01T08:00:00Z", SECRET)],
    )
    nightly = registered(
        "nightly-export",
        owners=[carol.id],
        credentials=[
            ("export-2024", "2024-11-20T22:00:00Z", "2025-11-20T22:00:00Z", SECRET),
            ("export-2025a", "2024-12-01T22:00:00Z", "2025-12-01T22:00:00Z", SECRET),
            ("export-2025b", "2025-12-09T22:00:00Z", "2026-12-09T22:00:00Z", SECRET),
        ],
    )
    lifecycle = registered(
        "group-lifecycle",
        owners=[carol.id],
        credentials=[("group-lifecycle", "2026-01-22T10:00:00Z", "2027-01-22T10:00:00Z", SECRET)],
    )
    tenant_ops = registered(
        "tenant-ops",
        owners=[alice.id],
        credentials=[("CN=tenant-ops", "2026-06-16T00:00:00Z", "2027-06-16T00:00:00Z", CERT)],
    )
    blueprint = registered(
        "Support Agent Blueprint",
        owners=[bob.id],
        blueprint=True,
        credentials=[("agent-runtime", "2026-05-04T09:20:00Z", "2027-05-04T09:20:00Z", SECRET)],
    )
    tier0_group = identity(
        IdentityKind.GROUP,
        "groups",
        "Tier0 Privileged Role Admins",
        owners=(lifecycle[1].id,),
        attributes={"is_assignable_to_role": True},
    )
    carol = replace(carol, groups=(tier0_group.id,))
    contoso = service_principal("Contoso Analytics Connector", home="5c1e8a3d-2b7f-4e19-a6d0-93f4b2c71e58")
    fabrikam = service_principal("Fabrikam Cloud Backup", home="d04b7e62-9a18-4c35-8f2e-61a7c3e95b0d")
    agent_attributes = {"agent_blueprint_id": blueprint[0].attributes["app_id"]}
    emea = service_principal(
        "support-agent-emea",
        home=TENANT,
        kind=IdentityKind.AGENT_IDENTITY,
        attributes={**agent_attributes, "sponsors": [bob.id]},
    )
    apac = service_principal(
        "support-agent-apac",
        home=TENANT,
        kind=IdentityKind.AGENT_IDENTITY,
        attributes={**agent_attributes, "sponsors": []},
    )
    ops_vm = managed_identity("ops-vm-01", user_assigned=False)
    invoices = managed_identity("la-invoices", user_assigned=False)
    runbooks = managed_identity("aa-dev-runbooks", user_assigned=False)
    orders = managed_identity("id-orders-fn", user_assigned=True)
    backup = managed_identity("id-backup-reader", user_assigned=True)
    unused = managed_identity("id-unused-legacy", user_assigned=True)
    dev_deploy = managed_identity("id-dev-deploy", user_assigned=True)
    billing_sp = replace(
        billing[1],
        attributes={
            **billing[1].attributes,
            "delegated_grants": [
                {
                    "resource_id": graph.attributes["object_id"],
                    "scope": "User.Read Mail.ReadWrite Files.ReadWrite.All offline_access",
                    "consent_type": "AllPrincipals",
                    "principal_id": None,
                }
            ],
        },
    )
    portal_sp = replace(
        portal[1],
        attributes={
            **portal[1].attributes,
            "delegated_grants": [
                {
                    "resource_id": graph.attributes["object_id"],
                    "scope": "openid profile User.Read offline_access",
                    "consent_type": "Principal",
                    "principal_id": bob.id,
                }
            ],
        },
    )
    pairs = [deploy_bot, consent, ci, sync, helpdesk, portal, billing, vm_operator, infra, api, legacy_gh]
    pairs += [reporting, nightly, lifecycle, tenant_ops, blueprint]
    apps = [pair[0] for pair in pairs]
    sps = [pair[1] for pair in pairs if pair not in (billing, portal)] + [billing_sp, portal_sp]
    identities = [alice, bob, carol, jordan, priya, pilot, graph, tier0_group, contoso, fabrikam, emea, apac]
    identities += [ops_vm, invoices, runbooks, orders, backup, unused, dev_deploy, *apps, *sps]
    grants = [
        app_role(deploy_bot[1], "RoleManagement.ReadWrite.Directory"),
        app_role(consent[1], "AppRoleAssignment.ReadWrite.All"),
        app_role(sync[1], "Application.ReadWrite.All"),
        app_role(billing[1], "User.Read.All"),
        app_role(reporting[1], "Application.ReadWrite.All"),
        app_role(nightly[1], "Sites.Read.All"),
        app_role(contoso, "Directory.Read.All"),
        app_role(fabrikam, "Application.ReadWrite.All"),
        app_role(emea, "User.Read.All"),
        app_role(apac, "Sites.Read.All"),
        directory_role(alice, "Global Administrator"),
        directory_role(priya, "Directory Readers"),
        directory_role(helpdesk[1], "Application Administrator"),
        directory_role(portal[1], "Cloud Application Administrator", f"/{billing[0].attributes['object_id']}"),
        directory_role(tier0_group, "Privileged Role Administrator"),
        directory_role(tenant_ops[1], "Global Administrator", eligible=True),
        rbac(alice, "Owner", ROOT_MG),
        rbac(vm_operator[1], "Virtual Machine Contributor", f"{PROD}/resourceGroups/rg-prod-compute"),
        rbac(infra[1], "Contributor", PROD),
        rbac(api[1], "Contributor", f"{DEV}/resourceGroups/rg-dev-api"),
        rbac(
            legacy_gh[1],
            "Virtual Machine Contributor",
            f"{PROD}/resourceGroups/rg-prod-compute/providers/Microsoft.Compute/virtualMachines/build-agent-01",
        ),
        rbac(ops_vm, "Owner", PROD),
        rbac(invoices, "Reader", f"{PROD}/resourceGroups/rg-prod-apps"),
        rbac(runbooks, "Contributor", DEV),
        rbac(orders, "Contributor", f"{PROD}/resourceGroups/rg-prod-data"),
        rbac(backup, "Reader", PROD),
        rbac(dev_deploy, "Contributor", f"{DEV}/resourceGroups/rg-dev-api"),
    ]
    trusts = [
        federation(infra[1], expression="claims['sub'] matches 'repo:northwind/*'"),
        federation(api[1], subject="repo:northwind/api:ref:refs/heads/main"),
        federation(legacy_gh[1], subject="repo:northwind/*"),
        federation(dev_deploy, subject="repo:northwind/infra:environment:dev"),
    ]
    workloads = [
        workload("virtual-machine", "ops-vm-01", ops_vm),
        workload("logic-app", "la-invoices", invoices),
        workload("automation-account", "aa-dev-runbooks", runbooks, DEV),
        workload("function-app", "fn-orders", orders),
    ]
    return Inventory(
        identities=tuple(identities),
        grants=tuple(grants),
        trusts=tuple(trusts),
        workloads=tuple(workloads),
        scopes=((AZURE, TENANT),),
    )


EXPECTED: dict[Check, set[tuple[str, Severity]]] = {
    azure_client_secret_in_use.CHECK: {
        ("deploy-bot", M),
        ("app-registry-sync", M),
        ("helpdesk-automation", M),
        ("Support Agent Blueprint", M),  # A1
        ("ci-orchestrator", L),
        ("portal-config", L),  # X3: its role is scoped to one app, not tier 0
        ("vm-operator", L),
        ("nightly-export", L),
        ("group-lifecycle", L),
    },
    azure_credential_long_lived.CHECK: {("deploy-bot", H), ("consent-automation", M)},  # T3, T5
    azure_credential_expired.CHECK: {("nightly-export", L)},  # C1 (two secrets)
    azure_credential_expiring.CHECK: {("nightly-export", L)},  # C2
    azure_tier0_secret.CHECK: {
        ("deploy-bot", C),
        ("app-registry-sync", C),
        ("helpdesk-automation", C),
        ("consent-automation", H),
        ("tenant-ops", H),  # eligible Global Administrator (T14), a certificate
    },
    azure_privileged_no_owner.CHECK: set(),  # X2: managed identities have no owners; app-registry-sync's SP has one
    azure_privileged_guest_owner.CHECK: {("deploy-bot", C)},  # T2; Priya owns nothing (X11)
    azure_foreign_privileged.CHECK: {("Fabrikam Cloud Backup", C)},  # F1; Contoso's Directory.Read.All is not (X10)
    azure_managed_identity_admin.CHECK: {
        ("ops-vm-01", H),  # T9
        ("aa-dev-runbooks", M),  # R1
        ("id-orders-fn", M),  # T11
        ("id-dev-deploy", M),  # the same as T11: Contributor on a resource group
    },
    azure_federation_broad.CHECK: {("gh-actions-infra", C), ("gh-actions-legacy", INFO)},  # T12; X6 at info; X7 none
    azure_agent_without_sponsor.CHECK: {("support-agent-apac", M)},  # A2; X13
    azure_agent_user_orphaned.CHECK: {("support-agent-pilot@northwind.example", M)},  # A3
    azure_delegated_consent_broad.CHECK: {("billing-portal", H)},  # O1; X14
    azure_disabled_privileged.CHECK: {("legacy-reporting", L)},  # D1
}


@pytest.mark.parametrize("check", list(EXPECTED), ids=lambda c: c.id)
def test_sample_tenant_planted_problems_and_decoys(check: Check) -> None:
    assert found(check, tenant()) == EXPECTED[check]


def test_sample_tenant_counts_each_expired_secret() -> None:
    labels = sorted(f.evidence["label"] for f in run(azure_credential_expired.CHECK, tenant()))
    assert labels == ["export-2024", "export-2025a"]


def test_no_credential_finding_for_managed_identities_or_disabled_apps() -> None:
    checks = (azure_client_secret_in_use, azure_credential_long_lived, azure_credential_expiring, azure_tier0_secret)
    for module in checks:
        names = {name for name, _ in found(module.CHECK, tenant())}
        assert not names & {"ops-vm-01", "id-unused-legacy", "legacy-reporting"}


def test_every_module_declares_its_check() -> None:
    modules = list(iter_modules("nhi_scan.checks.azure"))
    assert len(modules) == 14
    for module in modules:
        check = module.CHECK
        assert check.id == module.__name__.rsplit(".", 1)[1].replace("_", "-")
        assert check.providers == (AZURE,)
        assert check.title and check.description and check.remediation and check.owasp_nhi
        assert run(check, Inventory()) == []


def test_findings_say_why_with_evidence() -> None:
    inventory = tenant()
    for check in EXPECTED:
        for finding in run(check, inventory):
            assert finding.message.endswith(".") and finding.remediation and finding.evidence
            assert finding.provider == AZURE


def test_federation_names_the_issuer_and_what_an_attacker_controls() -> None:
    (finding,) = [f for f in run(azure_federation_broad.CHECK, tenant()) if f.severity is C]
    assert GITHUB in finding.message and "organisation northwind" in finding.message
    assert "Contributor" in finding.message


def test_tier0_wording_says_eligible_for_pim() -> None:
    (finding,) = [f for f in run(azure_tier0_secret.CHECK, tenant()) if "tenant-ops" in f.message]
    assert "eligible only" in finding.message


# -- one check at a time ------------------------------------------------------------------------------------------


def inventory_of(*records: Identity | Grant | Trust | Workload) -> Inventory:
    return Inventory(
        identities=tuple(r for r in records if isinstance(r, Identity)),
        grants=tuple(r for r in records if isinstance(r, Grant)),
        trusts=tuple(r for r in records if isinstance(r, Trust)),
        workloads=tuple(r for r in records if isinstance(r, Workload)),
    )


def one(check: Check, inventory: Inventory) -> Finding:
    (finding,) = run(check, inventory)
    return finding


def with_secret(
    name: str, start: str = "2026-06-01T00:00:00Z", end: str = "2027-06-01T00:00:00Z", **fields: Any
) -> tuple[Identity, Identity]:
    return registered(name, credentials=[("s", start, end, SECRET)], owners=[oid("owner")], **fields)


def test_secret_in_use_judges_valid_secrets_only() -> None:
    expired_only = with_secret("old", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")
    certificate_only = registered("cert", credentials=[("c", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", CERT)])
    assert run(azure_client_secret_in_use.CHECK, inventory_of(*expired_only, *certificate_only)) == []


def test_secret_in_use_on_a_service_principal_and_through_a_group() -> None:
    app, principal = registered("sp-secret")
    key = secret(principal.id, "sp", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z")
    group = identity(IdentityKind.GROUP, "groups", "admins")
    principal = replace(principal, credentials=(key,), groups=(group.id,))
    finding = one(
        azure_client_secret_in_use.CHECK,
        inventory_of(app, principal, group, directory_role(group, "Global Administrator")),
    )
    assert finding.subject == principal.id and finding.severity is M and "through group admins" in finding.message


def test_secret_in_use_keeps_a_disabled_multi_tenant_app_and_never_a_first_party_one() -> None:
    multi = with_secret("multi", audience="AzureADMultipleOrgs", enabled=False)
    first_party = replace(
        service_principal("Office", home=MICROSOFT),
        credentials=(secret("servicePrincipals/x", "s", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z"),),
    )
    assert found(azure_client_secret_in_use.CHECK, inventory_of(*multi, first_party)) == {("multi", L)}


@pytest.mark.parametrize(
    ("start", "end", "kind", "expected"),
    [
        ("2026-06-01T00:00:00Z", "2029-06-01T00:00:00Z", SECRET, H),  # no practical expiry
        ("2026-06-01T00:00:00Z", "2027-12-01T00:00:00Z", SECRET, M),
        ("2026-06-01T00:00:00Z", "2027-06-01T00:00:00Z", SECRET, None),  # exactly a year
        ("2020-01-01T00:00:00Z", "2031-01-01T00:00:00Z", CERT, H),
        ("2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z", CERT, M),
        ("2020-01-01T00:00:00Z", "2025-01-01T00:00:00Z", SECRET, None),  # expired: azure-credential-expired
    ],
)
def test_long_lived_thresholds(start: str, end: str, kind: CredentialKind, expected: Severity | None) -> None:
    app, principal = registered("app", credentials=[("c", start, end, kind)])
    assert found(azure_credential_long_lived.CHECK, inventory_of(app, principal)) == (
        {("app", expected)} if expected else set()
    )


def test_long_lived_without_a_start_counts_from_now_and_skips_saml_signing_certificates() -> None:
    app, principal = registered("app")
    unknown_start = replace(secret(app.id, "u", "2026-01-01T00:00:00Z", "2028-03-01T00:00:00Z"), created=None)
    signing = replace(
        certificate(app.id, "saml", "2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z"), attributes={"usage": "Sign"}
    )
    app = replace(app, credentials=(unknown_start, signing))
    finding = one(azure_credential_long_lived.CHECK, inventory_of(app, principal))
    assert finding.subject == unknown_start.id and finding.severity is M and "from now" not in finding.message


def test_expired_certificate_is_reported_but_not_a_managed_identity_one() -> None:
    app, principal = registered("app", credentials=[("c", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", CERT)])
    old = managed_identity("mi", user_assigned=True)
    old = replace(old, credentials=(certificate(old.id, "x", "2024-01-01T00:00:00Z", "2024-04-01T00:00:00Z"),))
    finding = one(azure_credential_expired.CHECK, inventory_of(app, principal, old))
    assert finding.identity == app.id and finding.message.startswith("Certificate 'c'")


def test_expiring_is_info_when_a_successor_is_there() -> None:
    app, principal = registered(
        "app",
        credentials=[
            ("old", "2025-12-10T00:00:00Z", "2026-12-10T00:00:00Z", SECRET),
            ("new", "2026-11-20T00:00:00Z", "2027-11-20T00:00:00Z", SECRET),
        ],
    )
    finding = one(azure_credential_expiring.CHECK, inventory_of(app, principal))
    assert finding.severity is INFO and "outlasts it" in finding.message


def test_expiring_counts_a_federated_credential_as_successor_and_ignores_later_expiry() -> None:
    federated_app = registered(
        "fed", credentials=[("s", "2026-01-01T00:00:00Z", "2026-12-20T00:00:00Z", SECRET)], federated=1
    )
    later = registered("later", credentials=[("s", "2026-01-01T00:00:00Z", "2026-12-30T00:00:00Z", SECRET)])
    assert found(azure_credential_expiring.CHECK, inventory_of(*federated_app, *later)) == {("fed", INFO)}


def test_tier0_secret_severity() -> None:
    indirect = with_secret("indirect")
    owner_sub = with_secret("owner-sub")
    owner_rg = with_secret("owner-rg")
    conditional = with_secret("conditional")
    grants = [
        app_role(indirect[1], "Group.ReadWrite.All"),
        rbac(owner_sub[1], "Owner", PROD),
        rbac(owner_rg[1], "Owner", f"{PROD}/resourceGroups/rg"),
        rbac(conditional[1], "Role Based Access Control Administrator", PROD, condition={"expression": "x"}),
    ]
    inventory = inventory_of(*indirect, *owner_sub, *owner_rg, *conditional, *grants)
    assert found(azure_tier0_secret.CHECK, inventory) == {("indirect", H), ("owner-sub", C), ("conditional", H)}


def test_tier0_secret_of_a_blueprint_counts_its_agents_and_skips_disabled_apps() -> None:
    blueprint = with_secret("bp", blueprint=True)
    agent = service_principal(
        "agent",
        home=TENANT,
        kind=IdentityKind.AGENT_IDENTITY,
        attributes={"agent_blueprint_id": blueprint[0].attributes["app_id"]},
    )
    disabled = with_secret("off", enabled=False)
    inventory = inventory_of(
        *blueprint,
        agent,
        *disabled,
        app_role(agent, "Application.ReadWrite.All"),
        app_role(disabled[1], "Application.ReadWrite.All"),
    )
    finding = one(azure_tier0_secret.CHECK, inventory)
    assert finding.severity is C and "its agent identity agent" in finding.message


def test_privileged_no_owner() -> None:
    orphan = registered("orphan")
    sp_owned = registered("sp-owned", sp_owners=[oid("someone")])
    tagged_app, tagged_sp = registered("tagged")
    tagged_app = replace(tagged_app, owner="team-payments")
    foreign = service_principal("vendor", home="11111111-2222-3333-4444-555555555555")
    mi = managed_identity("mi", user_assigned=True)
    off = registered("off", enabled=False)
    holders = [orphan[1], sp_owned[1], tagged_sp, foreign, off[1]]
    grants = [app_role(h, "Application.ReadWrite.All") for h in holders] + [rbac(mi, "Owner", PROD)]
    inventory = inventory_of(*orphan, *sp_owned, tagged_app, tagged_sp, foreign, mi, *off, *grants)
    finding = one(azure_privileged_no_owner.CHECK, inventory)
    assert finding.subject == orphan[1].id and finding.severity is M


def test_guest_owner_of_the_service_principal_and_of_an_eligible_admin() -> None:
    guest_user = user("guest#EXT#@northwind.example", guest=True)
    member = user("member")
    owned_sp = registered("owned-sp", sp_owners=[guest_user.id])
    eligible = registered("eligible", owners=[guest_user.id])
    harmless = registered("harmless", owners=[guest_user.id])
    by_member = registered("by-member", owners=[member.id])
    unknown_owner = registered("unknown-owner", owners=["users/00000000-0000-0000-0000-000000000000"])
    grants = [
        app_role(owned_sp[1], "AppRoleAssignment.ReadWrite.All"),
        directory_role(eligible[1], "Global Administrator", eligible=True),
        app_role(harmless[1], "User.Read.All"),
        app_role(by_member[1], "AppRoleAssignment.ReadWrite.All"),
        app_role(unknown_owner[1], "AppRoleAssignment.ReadWrite.All"),
    ]
    inventory = inventory_of(guest_user, member, *owned_sp, *eligible, *harmless, *by_member, *unknown_owner, *grants)
    findings = run(azure_privileged_guest_owner.CHECK, inventory)
    assert {(f.subject, f.severity) for f in findings} == {(owned_sp[1].id, C), (eligible[0].id, H)}


def test_foreign_and_multi_tenant() -> None:
    vendor = "11111111-2222-3333-4444-555555555555"
    indirect = service_principal("indirect-vendor", home=vendor)
    reader = service_principal("reader-vendor", home=vendor)
    off = replace(service_principal("off-vendor", home=vendor), enabled=False)
    role = service_principal("role-vendor", home=vendor)
    multi = registered("multi", audience="AzureADMultipleOrgs")
    single = registered("single")
    grants = [
        app_role(indirect, "User.ReadWrite.All"),
        app_role(reader, "Directory.Read.All"),
        app_role(off, "Application.ReadWrite.All"),
        directory_role(role, "Privileged Role Administrator", eligible=True),
        app_role(multi[1], "RoleManagement.ReadWrite.Directory"),
        app_role(single[1], "RoleManagement.ReadWrite.Directory"),
    ]
    inventory = inventory_of(indirect, reader, off, role, *multi, *single, *grants)
    expected = {("indirect-vendor", H), ("role-vendor", H), ("multi", H)}
    assert found(azure_foreign_privileged.CHECK, inventory) == expected


def test_managed_identity_admin_levels() -> None:
    names = ["owner-mg", "contributor-mg", "uaa-conditional", "owner-resource", "reader", "owner-eligible", "grouped"]
    mis = {name: managed_identity(name, user_assigned=True) for name in names}
    group = identity(IdentityKind.GROUP, "groups", "ops")
    mis["grouped"] = replace(mis["grouped"], groups=(group.id,))
    grants = [
        rbac(mis["owner-mg"], "Owner", ROOT_MG),
        rbac(mis["contributor-mg"], "Contributor", ROOT_MG),
        rbac(mis["uaa-conditional"], "User Access Administrator", PROD, condition={"expression": "x"}),
        rbac(mis["owner-resource"], "Owner", f"{PROD}/resourceGroups/rg/providers/Microsoft.Web/sites/app"),
        rbac(mis["reader"], "Reader", PROD),
        rbac(mis["owner-eligible"], "Owner", PROD, eligible=True),
        rbac(group, "User Access Administrator", PROD),
    ]
    inventory = inventory_of(*mis.values(), group, *grants)
    expected = {
        ("owner-mg", H),
        ("contributor-mg", H),
        ("uaa-conditional", M),
        ("owner-eligible", M),
        ("grouped", H),
    }
    assert found(azure_managed_identity_admin.CHECK, inventory) == expected
    grouped = [f for f in run(azure_managed_identity_admin.CHECK, inventory) if f.subject == mis["grouped"].id]
    assert "through group ops" in grouped[0].message


@pytest.mark.parametrize(
    ("expression", "expected", "words"),
    [
        ("claims['sub'] matches 'repo:*'", C, "any repository on GitHub"),
        ("claims['sub'] matches 'repo:northwind*'", C, "name starts with 'northwind'"),
        ("claims['sub'] matches 'repo:northwind/api:*'", M, "northwind/api"),
        ("claims['sub'] matches 'repo:northwind/api:ref:refs/heads/*'", M, "ref:refs/heads/"),
        (
            "claims['sub'] eq 'repo:northwind/api:ref:refs/heads/main' and claims['job_workflow_ref'] matches 'x/*'",
            None,
            "",
        ),
        ("claims['sub'] matches 'repo:northwind/api:ref:refs/heads/main'", None, ""),
        ("claims['job_workflow_ref'] matches 'northwind/wf/.github/workflows/deploy.yml@*'", H, "job_workflow_ref"),
        (
            "claims['sub'] eq 'repo:northwind/a:environment:prod' or claims['sub'] matches 'repo:northwind/*'",
            H,
            "organisation",
        ),
    ],
)
def test_flexible_federation_breadth(expression: str, expected: Severity | None, words: str) -> None:
    app, principal = registered("fic", federated=1)
    findings = run(
        azure_federation_broad.CHECK, inventory_of(app, principal, federation(principal, expression=expression))
    )
    assert [f.severity for f in findings] == ([expected] if expected else [])
    assert all(words in f.message and GITHUB in f.message for f in findings)


def test_flexible_federation_on_gitlab_and_terraform_with_a_privileged_app() -> None:
    gitlab = registered("gitlab", federated=1)
    terraform = registered("terraform", federated=1)
    inventory = inventory_of(
        *gitlab,
        *terraform,
        rbac(terraform[1], "Owner", PROD),
        federation(gitlab[1], expression="claims['sub'] matches 'project_path:northwind/*'", issuer="gitlab.com"),
        federation(
            terraform[1],
            expression="claims['sub'] matches 'organization:northwind:project:infra:workspace:prod:run_phase:*'",
            issuer="app.terraform.io",
        ),
    )
    findings = {f.subject: f for f in run(azure_federation_broad.CHECK, inventory)}
    assert findings[gitlab[1].id].severity is H and "GitLab group northwind" in findings[gitlab[1].id].message
    assert findings[terraform[1].id].severity is H and "one workspace" in findings[terraform[1].id].message


def test_federation_with_an_unknown_subject_duplicates_and_disabled_targets() -> None:
    app, principal = registered("unknown", federated=1)
    off = registered("off", enabled=False, federated=1)
    as_mapping = replace(
        federation(principal, expression="x"),
        conditions={"claims_matching_expression": {"languageVersion": 1, "value": "claims['sub'] matches 'repo:*'"}},
    )
    inventory = inventory_of(
        app,
        principal,
        *off,
        federation(principal),
        federation(principal),
        as_mapping,
        federation(off[1], expression="claims['sub'] matches 'repo:*'"),
        federation(principal, subject="repo:northwind/api:environment:prod"),
    )
    assert sorted(f.severity for f in run(azure_federation_broad.CHECK, inventory)) == [L, C]


def test_agent_sponsors_unknown_or_disabled_are_not_judged() -> None:
    unknown = service_principal("unknown", home=TENANT, kind=IdentityKind.AGENT_IDENTITY)
    off = replace(
        service_principal("off", home=TENANT, kind=IdentityKind.AGENT_IDENTITY, attributes={"sponsors": []}),
        enabled=False,
    )
    assert run(azure_agent_without_sponsor.CHECK, inventory_of(unknown, off)) == []


def test_agent_user_with_its_parent_or_without_a_service_principal_listing() -> None:
    agent = service_principal(
        "agent", home=TENANT, kind=IdentityKind.AGENT_IDENTITY, attributes={"sponsors": [oid("x")]}
    )
    kept = user("kept@northwind.example", agent_user=agent.attributes["object_id"])
    flagged = user("flagged@northwind.example", agent_user=True, identity_parent_id=oid("gone"))
    person = user("person@northwind.example")
    assert found(azure_agent_user_orphaned.CHECK, inventory_of(agent, kept, flagged, person)) == {
        ("flagged@northwind.example", M)
    }
    assert run(azure_agent_user_orphaned.CHECK, inventory_of(kept, flagged)) == []


def delegated(client: Identity, scope: str, *, resource: str = "graph-object", consent: str = "AllPrincipals") -> Grant:
    return Grant(
        principal_id=client.id,
        policy_id=oid(client.name + scope),
        policy_name=scope,
        policy_kind=PolicyKind.DELEGATED_GRANT,
        document={"resource_id": resource, "consent_type": consent, "principal_id": None},
        provider=AZURE,
    )


def test_delegated_consent_levels_and_sources() -> None:
    graph = replace(service_principal("Microsoft Graph", home=MICROSOFT), provider_managed=True)
    graph_id = str(graph.attributes["object_id"])
    reader, writer, per_user, own_api, vendor_office = (
        registered(n)[1] for n in ("reader", "writer", "per-user", "own-api", "x")
    )
    api = registered("api")[1]
    first_party = service_principal("Office", home=MICROSOFT)
    off = replace(registered("off")[1], enabled=False)
    grants = [
        delegated(reader, "Mail.Read Files.Read.All offline_access", resource=graph_id),
        delegated(writer, "User.Read", resource=graph.id),
        delegated(writer, "Directory.ReadWrite.All", resource=graph.id),
        delegated(per_user, "Mail.ReadWrite", resource=graph_id, consent="Principal"),
        delegated(own_api, "Files.ReadWrite.All", resource=api.id),
        delegated(first_party, "Mail.ReadWrite", resource=graph_id),
        delegated(off, "Mail.ReadWrite", resource=graph_id),
    ]
    inventory = inventory_of(graph, reader, writer, per_user, own_api, vendor_office, api, first_party, off, *grants)
    assert found(azure_delegated_consent_broad.CHECK, inventory) == {("reader", M), ("writer", H)}
    (writer_finding,) = [f for f in run(azure_delegated_consent_broad.CHECK, inventory) if f.subject == writer.id]
    assert writer_finding.evidence["scopes"] == ["User.Read", "Directory.ReadWrite.All"]


def test_disabled_privileged_needs_a_tier0_grant_and_a_disabled_principal() -> None:
    idle = registered("idle", enabled=False)
    eligible = registered("eligible", enabled=False)
    enabled = registered("enabled")
    grants = [
        app_role(idle[1], "User.Read.All"),
        directory_role(eligible[1], "Global Administrator", eligible=True),
        app_role(enabled[1], "Application.ReadWrite.All"),
    ]
    assert found(azure_disabled_privileged.CHECK, inventory_of(*idle, *eligible, *enabled, *grants)) == {
        ("eligible", L)
    }
