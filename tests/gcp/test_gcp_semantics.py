"""GCP IAM semantics on small hand-made estates (directory convention of nhi_scan/connectors/gcp/README.md):
inheritance down the resource hierarchy, IAM conditions, deny policies, member kinds, nested admin targets,
custom roles the holder may rewrite, and hubs that keep the graph linear in the number of service accounts.

Every estate has organization 333, folder 222 below it, project p1 (#111) in the folder and project p2 (#112)
directly below the organization. Tests marked xfail(strict) record a bug: they state what a correct scanner does.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from nhi_scan.connectors.gcp import GCP
from nhi_scan.engine import scan_with_graph
from nhi_scan.escalation.gcp.analysis import GcpAnalysis
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph, NodeKind
from nhi_scan.model import Finding, ScanResult, Severity
from nhi_scan.plugin import Verdict
from nhi_scan.policy.gcp.deny import v1_permission

NOW = datetime(2026, 11, 29, tzinfo=UTC)
TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator"
GET_TOKEN = "iam.googleapis.com/serviceAccounts.getAccessToken"
#: Every permission of Token Creator that lets its holder act as the account (v2 names, as deny policies write them).
TOKEN_PERMISSIONS = [
    GET_TOKEN,
    "iam.googleapis.com/serviceAccounts.getOpenIdToken",
    "iam.googleapis.com/serviceAccounts.implicitDelegation",
    "iam.googleapis.com/serviceAccounts.signBlob",
    "iam.googleapis.com/serviceAccounts.signJwt",
]
ADMIN_P1, ADMIN_P2 = "admin:gcp:projects/p1", "admin:gcp:projects/p2"
ADMIN_FOLDER, ADMIN_ORG = "admin:gcp:folders/222", "admin:gcp:organizations/333"
EXPIRED = 'request.time < timestamp("2025-01-01T00:00:00Z")'
FUTURE_START = 'request.time > timestamp("2027-06-01T00:00:00Z")'
STILL_VALID = 'request.time < timestamp("2030-01-01T00:00:00Z")'
PREFIX = 'resource.name.startsWith("projects/_/buckets/etl-")'


def email(name: str, project: str = "p1") -> str:
    return f"{name}@{project}.iam.gserviceaccount.com"


def sa(name: str, project: str = "p1") -> str:
    return f"serviceAccount:{email(name, project)}"


A, B, C = sa("a"), sa("b"), sa("c")
D = sa("d", "p2")


def deny_principal(name: str, project: str = "p1") -> str:
    return f"principal://iam.googleapis.com/projects/-/serviceAccounts/{email(name, project)}"


def binding(role: str, *members: str, expression: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"role": role, "members": list(members)}
    if expression is not None:
        found["condition"] = {"title": "limited", "expression": expression}
    return found


def policy(*bindings: dict[str, Any]) -> dict[str, Any]:
    return {"version": 3, "etag": "BwYx0Qm9Zk4=", "bindings": list(bindings)}


def deny_policy(attachment: str, *rules: dict[str, Any], name: str = "deny-1") -> list[dict[str, Any]]:
    """`gcloud iam policies get` of one deny policy; ``attachment`` like ``folders/222`` (URL-encoded in the name)."""
    point = f"cloudresourcemanager.googleapis.com/{attachment}".replace("/", "%2F")
    return [{"name": f"policies/{point}/denypolicies/{name}", "kind": "DenyPolicy", "rules": list(rules)}]


def deny_rule(principals: list[str], permissions: list[str], **extra: Any) -> dict[str, Any]:
    return {"denyRule": {"deniedPrincipals": principals, "deniedPermissions": permissions, **extra}}


def account_list(project: str, names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "email": email(name, project),
            "name": f"projects/{project}/serviceAccounts/{email(name, project)}",
            "projectId": project,
            "uniqueId": f"1{index:020d}{len(project)}",
        }
        for index, name in enumerate(names)
    ]


def write(root: Path, relative: str, value: object) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


@dataclass
class Scan:
    result: ScanResult
    graph: IdentityGraph
    gcp: GcpAnalysis

    def findings(self, check: str) -> dict[str, Finding]:
        return {f.subject: f for f in self.result.findings if f.check_id == check}

    def reached(self, source: str) -> dict[str, Edge]:
        """Identities ``source`` can become in one hop (through a hub), each with the edge that leads there (a
        certain edge preferred)."""
        found: dict[str, Edge] = {}
        for edge in self.graph.edges_from(source):
            if not edge.traversable or edge.kind is EdgeKind.ADMIN_OF:
                continue
            kind = self.graph.node_kind(edge.target)
            targets = (
                [e.target for e in self.graph.edges_from(edge.target)]
                if kind is NodeKind.HUB
                else [edge.target]
                if kind is NodeKind.IDENTITY
                else []
            )
            for target in targets:
                known = found.get(target)
                if target != source and (known is None or (known.conditional and not edge.conditional)):
                    found[target] = edge
        return found

    def admin_of(self, source: str) -> dict[str, Edge]:
        return {e.target: e for e in self.graph.edges_from(source) if e.kind is EdgeKind.ADMIN_OF}

    def can_reach(self, source: str, target: str) -> bool:
        return source in self.graph.nx and target in self.graph.nx and nx.has_path(self.graph.nx, source, target)


def scan(
    root: Path, files: dict[str, object], accounts: dict[str, tuple[str, ...]] | None = None, *, now: datetime = NOW
) -> Scan:
    write(root, "organizations/333/organization.json", {"name": "organizations/333", "displayName": "ex.com"})
    write(
        root,
        "organizations/333/folders.json",
        [{"name": "folders/222", "displayName": "prod", "parent": "organizations/333", "lifecycleState": "ACTIVE"}],
    )
    write(
        root,
        "projects.json",
        [
            {"projectId": "p1", "projectNumber": "111", "parent": {"type": "folder", "id": "222"}},
            {"projectId": "p2", "projectNumber": "112", "parent": {"type": "organization", "id": "333"}},
        ],
    )
    for project, names in (accounts or {"p1": ("a", "b", "c")}).items():
        write(root, f"projects/{project}/service-accounts.json", account_list(project, names))
    for relative, value in files.items():
        write(root, relative, value)
    result, analysis = scan_with_graph([root], now=now)
    assert result.complete, [s.detail for s in result.sources if s.status.value == "error"]
    gcp = analysis.analyses[GCP]
    assert isinstance(gcp, GcpAnalysis)
    return Scan(result, analysis.graph, gcp)


# -- inheritance -------------------------------------------------------------------------------------------------


def test_organization_binding_applies_to_the_accounts_of_every_project_below(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            "organizations/333/iam-policy.json": policy(binding(TOKEN_CREATOR, A)),
            "projects/p2/iam-policy.json": policy(binding("roles/owner", D)),
        },
        {"p1": ("a", "b"), "p2": ("d",)},
    )
    assert set(estate.reached(A)) == {B, D}
    escalation = estate.findings("privilege-escalation")[A]
    assert [h.target for h in escalation.path] == [D, ADMIN_P2]
    assert "bound on organizations/333" in escalation.path[0].reason
    target = f"projects/p2/serviceAccounts/{email('d', 'p2')}"
    assert estate.gcp.allows(A, "iam.serviceAccounts.getAccessToken", target) is Verdict.ALLOWED
    assert (
        estate.findings("gcp-impersonation-granted-broadly")[f"organizations/333#{TOKEN_CREATOR}#{A}"].severity
        is Severity.HIGH
    )


def test_folder_binding_applies_to_projects_in_the_folder_only(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            "folders/222/iam-policy.json": policy(binding(TOKEN_CREATOR, A)),
            "projects/p2/iam-policy.json": policy(binding("roles/owner", D)),
        },
        {"p1": ("a", "b"), "p2": ("d",)},
    )
    assert set(estate.reached(A)) == {B}  # p2 is not in folder 222
    assert A not in estate.findings("privilege-escalation")
    target = f"projects/p2/serviceAccounts/{email('d', 'p2')}"
    assert estate.gcp.allows(A, "iam.serviceAccounts.getAccessToken", target) is Verdict.DENIED


def test_service_account_binding_applies_to_that_account_only(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            f"projects/p1/service-accounts/{email('b')}/iam-policy.json": policy(binding(TOKEN_CREATOR, A)),
            "projects/p1/iam-policy.json": policy(binding("roles/owner", B)),
        },
    )
    assert set(estate.reached(A)) == {B}
    assert A not in estate.findings("gcp-impersonation-granted-broadly")
    assert [h.target for h in estate.findings("privilege-escalation")[A].path] == [B, ADMIN_P1]


def test_resource_binding_applies_to_that_resource_only(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            "projects/p1/secrets/s1/iam-policy.json": policy(binding("roles/secretmanager.secretAccessor", A)),
            "projects/p1/buckets/bk/iam-policy.json": policy(binding("roles/owner", C), binding(TOKEN_CREATOR, C)),
        },
    )
    access = "secretmanager.versions.access"
    assert estate.gcp.allows(A, access, "projects/p1/secrets/s1") is Verdict.ALLOWED
    assert estate.gcp.allows(A, access, "projects/p1/secrets/s2") is Verdict.DENIED
    assert estate.gcp.allows(A, access, "projects/p1") is Verdict.DENIED
    # roles on a bucket make no one admin of the project, nor able to become its accounts
    assert estate.admin_of(C) == {} and estate.reached(C) == {}
    assert C not in estate.findings("admin-identity")


# -- conditions --------------------------------------------------------------------------------------------------


def _conditional_estate(root: Path, expression: str) -> Scan:
    return scan(
        root,
        {
            "projects/p1/iam-policy.json": policy(
                binding(TOKEN_CREATOR, A, expression=expression), binding("roles/owner", B)
            )
        },
    )


def test_expired_binding_grants_nothing(tmp_path: Path) -> None:
    estate = _conditional_estate(tmp_path, EXPIRED)
    assert estate.reached(A) == {}
    assert A not in estate.findings("privilege-escalation")
    assert not any(A in key for key in estate.findings("gcp-impersonation-granted-broadly"))
    assert estate.gcp.allows(A, "iam.serviceAccounts.getAccessToken") is Verdict.DENIED


@pytest.mark.parametrize(
    "expression",
    [
        FUTURE_START,
        'timestamp("2027-06-01T00:00:00Z") < request.time',
        '!(request.time < timestamp("2027-06-01T00:00:00Z"))',
    ],
)
def test_binding_that_starts_later_is_conditional(tmp_path: Path, expression: str) -> None:
    estate = _conditional_estate(tmp_path, expression)
    reached = estate.reached(A)
    assert B in reached and reached[B].conditional
    finding = estate.findings("privilege-escalation")[A]
    assert finding.severity is Severity.MEDIUM and finding.evidence["conditional"] is True
    assert estate.gcp.allows(A, "iam.serviceAccounts.getAccessToken") is Verdict.CONDITIONAL


def test_binding_that_has_not_expired_yet_is_certain(tmp_path: Path) -> None:
    estate = _conditional_estate(tmp_path, STILL_VALID)
    assert not estate.reached(A)[B].conditional
    assert estate.findings("privilege-escalation")[A].severity is Severity.HIGH


def test_resource_name_condition_is_conditional_and_said_so(tmp_path: Path) -> None:
    estate = _conditional_estate(tmp_path, PREFIX)
    edge = estate.reached(A)[B]
    assert edge.conditional and "if its condition holds" in edge.reason
    finding = estate.findings("privilege-escalation")[A]
    assert finding.severity is Severity.MEDIUM
    assert "if what cannot be seen offline holds" in finding.message
    assert finding.evidence["conditional"] is True
    assert any("if its condition holds" in c for c in finding.evidence["conditions"])
    broad = estate.findings("gcp-impersonation-granted-broadly")[f"projects/p1#{TOKEN_CREATOR}#{A}"]
    assert broad.evidence["conditional"] is True


def test_conditional_owner_is_conditional_admin(tmp_path: Path) -> None:
    estate = scan(tmp_path, {"projects/p1/iam-policy.json": policy(binding("roles/owner", A, expression=PREFIX))})
    assert estate.admin_of(A)[ADMIN_P1].conditional
    admin = estate.findings("admin-identity")[A]
    assert admin.severity is Severity.MEDIUM and "if conditions unknown offline hold" in admin.message
    assert estate.findings("gcp-basic-role")[A].evidence["conditional"] is True


def test_expired_owner_is_not_admin_nor_a_basic_role(tmp_path: Path) -> None:
    estate = scan(tmp_path, {"projects/p1/iam-policy.json": policy(binding("roles/owner", A, expression=EXPIRED))})
    assert estate.admin_of(A) == {}
    assert A not in estate.findings("admin-identity") and A not in estate.findings("gcp-basic-role")


def test_expired_binding_with_business_hours_grants_nothing(tmp_path: Path) -> None:
    estate = _conditional_estate(tmp_path, f'{EXPIRED} && request.time.getHours("Europe/Berlin") >= 9')
    assert estate.reached(A) == {}
    assert A not in estate.findings("privilege-escalation")


# -- deny policies -----------------------------------------------------------------------------------------------


#: Denies a every permission of Token Creator.
DENY_A = deny_rule([deny_principal("a")], TOKEN_PERMISSIONS)


def _deny_estate(root: Path, deny_files: dict[str, object]) -> Scan:
    return scan(
        root,
        {
            "projects/p1/iam-policy.json": policy(binding(TOKEN_CREATOR, A, C), binding("roles/owner", B)),
            **deny_files,
        },
    )


def test_without_a_deny_policy_the_path_exists(tmp_path: Path) -> None:
    estate = _deny_estate(tmp_path, {})
    assert not estate.reached(A)[B].conditional
    assert A in estate.findings("privilege-escalation")


def test_deny_on_a_folder_blocks_a_path_in_a_project_below(tmp_path: Path) -> None:
    estate = _deny_estate(
        tmp_path,
        {"folders/222/deny-policies.json": deny_policy("folders/222", DENY_A)},
    )
    assert B not in estate.reached(A)
    assert A not in estate.findings("privilege-escalation")
    assert C in estate.findings("privilege-escalation")  # the rule names a only
    target = f"projects/p1/serviceAccounts/{email('b')}"
    assert estate.gcp.allows(A, "iam.serviceAccounts.getAccessToken", target) is Verdict.DENIED
    # the binding is moot: no "granted broadly" finding for a, one for c
    broad = estate.findings("gcp-impersonation-granted-broadly")
    assert f"projects/p1#{TOKEN_CREATOR}#{A}" not in broad and f"projects/p1#{TOKEN_CREATOR}#{C}" in broad


def test_deny_attached_by_project_number_applies_to_the_project(tmp_path: Path) -> None:
    estate = _deny_estate(
        tmp_path,
        {"projects/p1/deny-policies.json": deny_policy("projects/111", DENY_A)},
    )
    assert A not in estate.findings("privilege-escalation")


def test_deny_on_another_project_does_not_block(tmp_path: Path) -> None:
    estate = _deny_estate(
        tmp_path,
        {"projects/p2/deny-policies.json": deny_policy("projects/p2", DENY_A)},
    )
    assert not estate.reached(A)[B].conditional
    assert estate.findings("privilege-escalation")[A].severity is Severity.HIGH


def test_exception_principals_lift_the_deny(tmp_path: Path) -> None:
    rule = deny_rule(["principalSet://goog/public:all"], TOKEN_PERMISSIONS, exceptionPrincipals=[deny_principal("a")])
    estate = _deny_estate(tmp_path, {"organizations/333/deny-policies.json": deny_policy("organizations/333", rule)})
    assert not estate.reached(A)[B].conditional
    assert estate.findings("privilege-escalation")[A].severity is Severity.HIGH
    assert B not in estate.reached(C) and C not in estate.findings("privilege-escalation")


def test_exception_permissions_lift_the_deny(tmp_path: Path) -> None:
    rule = deny_rule([deny_principal("a")], ["iam.googleapis.com/serviceAccounts.*"], exceptionPermissions=[GET_TOKEN])
    estate = _deny_estate(tmp_path, {"folders/222/deny-policies.json": deny_policy("folders/222", rule)})
    edge = estate.reached(A)[B]
    assert not edge.conditional and edge.method == "gcp-iam-service-accounts-get-access-token"
    assert A in estate.findings("privilege-escalation")


def test_deny_naming_a_group_makes_the_path_conditional_not_blocked(tmp_path: Path) -> None:
    rule = deny_rule(["principalSet://goog/group/contractors@ex.com"], TOKEN_PERMISSIONS)
    estate = _deny_estate(tmp_path, {"folders/222/deny-policies.json": deny_policy("folders/222", rule)})
    assert estate.reached(A)[B].conditional
    finding = estate.findings("privilege-escalation")[A]
    assert finding.severity is Severity.MEDIUM and finding.evidence["conditional"] is True


def test_edge_made_conditional_by_a_deny_names_the_deny_policy(tmp_path: Path) -> None:
    rule = deny_rule(["principalSet://goog/group/contractors@ex.com"], TOKEN_PERMISSIONS)
    estate = _deny_estate(tmp_path, {"folders/222/deny-policies.json": deny_policy("folders/222", rule)})
    edge = estate.reached(A)[B]
    assert edge.conditional and "deny-1" in edge.reason


def test_deny_of_set_iam_policy_in_v2_form_removes_admin(tmp_path: Path) -> None:
    rule = deny_rule([deny_principal("b")], ["cloudresourcemanager.googleapis.com/projects.setIamPolicy"])
    estate = _deny_estate(tmp_path, {"organizations/333/deny-policies.json": deny_policy("organizations/333", rule)})
    assert ADMIN_P1 not in estate.admin_of(B)
    assert B not in estate.findings("admin-identity")
    assert B in estate.findings("gcp-basic-role")  # the binding itself is still there
    assert estate.gcp.allows(B, "resourcemanager.projects.setIamPolicy", "projects/p1") is Verdict.DENIED


def test_deny_of_set_iam_policy_for_a_group_makes_admin_conditional(tmp_path: Path) -> None:
    rule = deny_rule(["principalSet://goog/group/contractors@ex.com"], ["cloudresourcemanager.googleapis.com/*"])
    estate = _deny_estate(tmp_path, {"folders/222/deny-policies.json": deny_policy("folders/222", rule)})
    edge = estate.admin_of(B)[ADMIN_P1]
    assert edge.conditional and "deny-1" in edge.reason
    assert estate.findings("admin-identity")[B].severity is Severity.MEDIUM


@pytest.mark.parametrize(
    ("v2", "v1"),
    [
        ("cloudresourcemanager.googleapis.com/projects.setIamPolicy", "resourcemanager.projects.setIamPolicy"),
        ("cloudresourcemanager.googleapis.com/folders.setIamPolicy", "resourcemanager.folders.setIamPolicy"),
        (
            "cloudresourcemanager.googleapis.com/organizations.setIamPolicy",
            "resourcemanager.organizations.setIamPolicy",
        ),
        ("iam.googleapis.com/serviceAccountKeys.create", "iam.serviceAccountKeys.create"),
        ("iam.googleapis.com/serviceAccounts.actAs", "iam.serviceAccounts.actAs"),
        ("iam.googleapis.com/roles.update", "iam.roles.update"),
        ("storage.googleapis.com/buckets.setIamPolicy", "storage.buckets.setIamPolicy"),
        ("secretmanager.googleapis.com/versions.access", "secretmanager.versions.access"),
        ("iam.serviceAccounts.getAccessToken", "iam.serviceAccounts.getAccessToken"),
    ],
)
def test_v2_permission_names_map_to_v1(v2: str, v1: str) -> None:
    assert v1_permission(v2) == v1


# -- members -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("public", ["allUsers", "allAuthenticatedUsers"])
def test_public_member_on_an_account_applies_to_every_principal(tmp_path: Path, public: str) -> None:
    estate = scan(
        tmp_path,
        {
            f"projects/p1/service-accounts/{email('b')}/iam-policy.json": policy(binding(TOKEN_CREATOR, public)),
            "projects/p1/iam-policy.json": policy(binding("roles/owner", B), binding("roles/viewer", "user:u@ex.com")),
        },
    )
    for principal in (A, C, "user:u@ex.com"):
        edge = estate.reached(principal)[B]
        assert not edge.conditional and f"(to {public})" in edge.reason
    assert set(estate.findings("privilege-escalation")) == {A, C}
    public_findings = estate.findings("gcp-public-member")
    assert public_findings[f"projects/p1/serviceAccounts/{email('b')}#{TOKEN_CREATOR}#{public}"].severity is (
        Severity.CRITICAL
    )


def test_public_member_on_a_project_applies_to_every_principal(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {"projects/p1/iam-policy.json": policy(binding(TOKEN_CREATOR, "allUsers"), binding("roles/owner", B))},
    )
    assert B in estate.reached(A) and B in estate.reached(C)
    assert set(estate.findings("privilege-escalation")) == {A, C}


def test_group_binding_belongs_to_the_group_only(tmp_path: Path) -> None:
    group = "group:ops@ex.com"
    estate = scan(
        tmp_path,
        {
            "projects/p1/iam-policy.json": policy(
                binding(TOKEN_CREATOR, group), binding("roles/owner", B), binding("roles/viewer", A, "user:u@ex.com")
            )
        },
    )
    assert estate.graph.identity(group) is not None
    assert B in estate.reached(group)
    assert estate.reached(A) == {} and estate.reached("user:u@ex.com") == {}
    assert A not in estate.findings("privilege-escalation")
    assert estate.gcp.allows(A, "iam.serviceAccounts.getAccessToken") is Verdict.DENIED


def test_domain_binding_applies_to_users_of_that_domain_not_service_accounts(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            "projects/p1/iam-policy.json": policy(
                binding("roles/owner", "domain:ex.com"),
                binding("roles/viewer", "user:alice@ex.com", "user:bob@other.example", A),
            )
        },
    )
    assert ADMIN_P1 in estate.admin_of("user:alice@ex.com")
    assert estate.admin_of("user:bob@other.example") == {}
    assert estate.admin_of(A) == {} and A not in estate.findings("admin-identity")
    assert A not in estate.findings("gcp-basic-role")


# -- nested admin targets ----------------------------------------------------------------------------------------


def test_admin_of_a_folder_reaches_admin_of_the_projects_below(tmp_path: Path) -> None:
    estate = scan(tmp_path, {"folders/222/iam-policy.json": policy(binding("roles/resourcemanager.folderAdmin", A))})
    assert ADMIN_FOLDER in estate.admin_of(A)
    assert estate.can_reach(A, ADMIN_P1)
    assert not estate.can_reach(A, ADMIN_P2) and not estate.can_reach(A, ADMIN_ORG)
    assert A in estate.findings("admin-identity")


def test_admin_of_the_organization_reaches_every_scope(tmp_path: Path) -> None:
    estate = scan(
        tmp_path, {"organizations/333/iam-policy.json": policy(binding("roles/resourcemanager.organizationAdmin", A))}
    )
    assert ADMIN_ORG in estate.admin_of(A)
    assert all(estate.can_reach(A, t) for t in (ADMIN_FOLDER, ADMIN_P1, ADMIN_P2))


def test_project_iam_admin_on_a_folder_is_admin_of_each_project_in_it(tmp_path: Path) -> None:
    estate = scan(
        tmp_path, {"folders/222/iam-policy.json": policy(binding("roles/resourcemanager.projectIamAdmin", A))}
    )
    assert set(estate.admin_of(A)) == {ADMIN_P1}
    assert "bound on folders/222" in estate.admin_of(A)[ADMIN_P1].reason


def test_folder_iam_admin_on_the_organization_is_admin_of_the_folders(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {"organizations/333/iam-policy.json": policy(binding("roles/resourcemanager.folderIamAdmin", A))},
    )
    assert ADMIN_FOLDER in estate.admin_of(A)
    assert estate.can_reach(A, ADMIN_P1)


# -- custom roles ------------------------------------------------------------------------------------------------


def _role(name: str, *permissions: str) -> list[dict[str, Any]]:
    return [{"name": name, "title": "Custom", "includedPermissions": list(permissions), "stage": "GA", "etag": "x"}]


def test_custom_role_the_holder_may_update_makes_it_admin_where_bound(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            "projects/p1/roles.json": _role("projects/p1/roles/selfEdit", "iam.roles.update", "storage.objects.get"),
            "projects/p1/iam-policy.json": policy(binding("projects/p1/roles/selfEdit", A)),
        },
    )
    edge = estate.admin_of(A)[ADMIN_P1]
    assert edge.method == "gcp-iam-roles-update" and not edge.conditional
    assert "projects/p1/roles/selfEdit" in edge.reason
    assert "can grant itself any permission" in estate.findings("admin-identity")[A].message


def test_organization_role_updatable_from_the_organization(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            "organizations/333/roles.json": _role("organizations/333/roles/reader", "storage.objects.get"),
            "organizations/333/iam-policy.json": policy(binding("roles/iam.organizationRoleAdmin", A)),
            "projects/p1/iam-policy.json": policy(binding("organizations/333/roles/reader", A)),
        },
    )
    assert estate.admin_of(A)[ADMIN_P1].method == "gcp-iam-roles-update"
    assert ADMIN_P2 not in estate.admin_of(A)  # the role is bound on p1 only


def test_organization_role_is_not_updatable_from_a_project(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            "organizations/333/roles.json": _role("organizations/333/roles/reader", "storage.objects.get"),
            "projects/p1/iam-policy.json": policy(
                binding("organizations/333/roles/reader", A), binding("roles/iam.roleAdmin", A)
            ),
        },
    )
    assert estate.admin_of(A) == {}
    assert A not in estate.findings("admin-identity")


def test_deny_of_role_update_blocks_the_custom_role_path(tmp_path: Path) -> None:
    estate = scan(
        tmp_path,
        {
            "projects/p1/roles.json": _role("projects/p1/roles/selfEdit", "iam.roles.update", "storage.objects.get"),
            "projects/p1/iam-policy.json": policy(binding("projects/p1/roles/selfEdit", A)),
            "folders/222/deny-policies.json": deny_policy(
                "folders/222", deny_rule([deny_principal("a")], ["iam.googleapis.com/roles.update"])
            ),
        },
    )
    assert estate.admin_of(A) == {}
    assert A not in estate.findings("admin-identity")


# -- scale -------------------------------------------------------------------------------------------------------


def test_thousand_accounts_with_project_token_creator_go_through_one_hub(tmp_path: Path) -> None:
    count = 1000
    names = tuple(f"sa-{i:04d}" for i in range(count))
    estate = scan(
        tmp_path,
        {"projects/p1/iam-policy.json": policy(binding(TOKEN_CREATOR, *(sa(n) for n in names)))},
        {"p1": names},
    )
    edges = list(estate.graph.edges())
    kinds = Counter(e.kind for e in edges)
    # one edge from each account to the project's hub, one from the hub to each account: no pairwise edges
    assert kinds[EdgeKind.CAN_IMPERSONATE] == count
    assert len(edges) <= 2 * count + 20, kinds
    hubs = {e.target for e in edges if e.kind is EdgeKind.CAN_IMPERSONATE}
    assert hubs == {"hub:gcp:projects/p1:service-accounts"}
    assert len(estate.reached(sa("sa-0000"))) == count - 1
    assert len(estate.findings("gcp-impersonation-granted-broadly")) == count
