"""Federation across clouds, end to end on the bundled estate: the planted chain GitHub workflow -> Entra app ->
GCP service account -> AWS role -> AWS admin is found with every hop and its cloud; its look-alikes are not; and
copies of the estate with one trust changed (another subject, another audience, another issuer, another account)
move the edges exactly as the clouds would."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.engine import Analysis, analyse, run_scan
from nhi_scan.graph import EdgeKind, IdentityGraph, NodeKind
from nhi_scan.model import Finding
from nhi_scan.reach import reach_towards, reachable_from
from nhi_scan.settings import Settings

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
NOW = datetime(2026, 11, 29, tzinfo=UTC)
TENANT = "9a1c5e3b-7f2d-4c8a-b6e1-3d5f7a9c1e24"
PIPELINE_SP = "servicePrincipals/7fb0a2eb-6761-41a1-bee7-5a1a71024dc3"
PIPELINE_OID = "7fb0a2eb-6761-41a1-bee7-5a1a71024dc3"
FORK_SP = "servicePrincipals/b40cf6e1-5749-4ad8-8484-addad5be6679"
BRIDGE = "serviceAccount:aws-bridge@nw-prod-apps.iam.gserviceaccount.com"
BRIDGE_ID = "139436907906634951231"
BRIDGE_LOOKALIKE = "serviceAccount:aws-bridge-lookalike@nw-prod-apps.iam.gserviceaccount.com"
ACCOUNT = "111122223333"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/gcp-federated-deployer"
LOOKALIKE = f"arn:aws:iam::{ACCOUNT}:role/gcp-federated-lookalike"
AWS_ADMIN = f"admin:aws:{ACCOUNT}"
GITHUB = "issuer:token.actions.githubusercontent.com"
AUTHZ = "aws/authz.json"
BRIDGE_POLICY = (
    "gcp/projects/nw-prod-apps/service-accounts/aws-bridge@nw-prod-apps.iam.gserviceaccount.com/iam-policy.json"
)
PROVIDERS = "gcp/projects/nw-prod-apps/workload-identity-providers.json"
APPLICATIONS = "azure/graph/applications.json"


@pytest.fixture(scope="module")
def estate() -> Analysis:
    return analyse([SAMPLE], settings=Settings(), now=NOW)


@pytest.fixture(scope="module")
def findings() -> tuple[Finding, ...]:
    return run_scan([SAMPLE], now=NOW).findings


def entries(graph: IdentityGraph, issuer: str = "") -> list[str]:
    return [n for n in graph.entry_points() if n.startswith(issuer or "issuer:")]


def federates(graph: IdentityGraph, source: str) -> set[str]:
    return {e.target for e in graph.edges_from(source) if e.kind is EdgeKind.FEDERATES}


def federated_into(graph: IdentityGraph, target: str) -> set[str]:
    """Who signs in to ``target`` by federation directly (an identity, a set of them, or an entry point)."""
    return {e.source for e in graph.edges_to(target) if e.kind is EdgeKind.FEDERATES}


def who_reaches(graph: IdentityGraph, goal: str) -> set[str]:
    return set(reach_towards(graph, [goal], allow_conditional=True).first_edge)


def edit(tmp_path: Path, changes: dict[str, Callable[[Any], Any]]) -> IdentityGraph:
    """A copy of the bundled estate with some files changed, analysed like a scan."""
    root = tmp_path / "estate"
    shutil.copytree(SAMPLE, root)
    for name, change in changes.items():
        path = root / name
        document = json.loads(path.read_text())
        path.write_text(json.dumps(change(document), indent=1))
    return analyse([root], settings=Settings(), now=NOW).graph


def trust_of(role: str, statement: dict[str, Any]) -> Callable[[Any], Any]:
    def change(authz: dict[str, Any]) -> dict[str, Any]:
        for entry in authz["RoleDetailList"]:
            if entry["RoleName"] == role:
                entry["AssumeRolePolicyDocument"] = {"Version": "2012-10-17", "Statement": [statement]}
        return authz

    return change


def google_trust(condition: dict[str, Any], federated: str = "accounts.google.com") -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"Federated": federated},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }


# -- the planted chain -------------------------------------------------------------------------------------------


def test_the_chain_crosses_three_clouds_hop_by_hop(estate: Analysis) -> None:
    graph = estate.graph
    [entry] = [n for n in entries(graph, GITHUB) if federates(graph, n) == {PIPELINE_SP}]
    assert graph.label(entry) == "a workflow of repository northwind/release-tools on branch main"
    assert federates(graph, PIPELINE_SP) == {BRIDGE}
    assert federates(graph, BRIDGE) == {DEPLOYER}
    [to_gcp] = [e for e in graph.edges_from(PIPELINE_SP) if e.target == BRIDGE]
    assert f"sub = {PIPELINE_OID}" in to_gcp.reason and f"sts.windows.net/{TENANT}" in to_gcp.reason
    assert not to_gcp.conditional
    [to_aws] = [e for e in graph.edges_from(BRIDGE) if e.target == DEPLOYER]
    assert f"azp = {BRIDGE_ID}" in to_aws.reason and "gcp-federated-deployer" in to_aws.reason
    path = reachable_from(graph, entry)[AWS_ADMIN]
    assert [e.target for e in path] == [PIPELINE_SP, BRIDGE, DEPLOYER, AWS_ADMIN]


def test_the_entry_point_finding_names_every_cloud_of_the_chain(findings: tuple[Finding, ...]) -> None:
    [finding] = [f for f in findings if f.check_id == "external-entry-point" and "northwind/release-tools" in f.message]
    assert finding.severity.label == "critical"
    assert finding.evidence["clouds"] == ["azure", "gcp", "aws"]
    assert [h.target for h in finding.path] == [PIPELINE_SP, BRIDGE, DEPLOYER, AWS_ADMIN]
    assert "across azure → gcp → aws" in finding.message


def test_the_identities_on_the_chain_get_cross_cloud_escalation_findings(findings: tuple[Finding, ...]) -> None:
    escalations = {f.subject: f for f in findings if f.check_id == "privilege-escalation"}
    assert [h.target for h in escalations[BRIDGE].path] == [DEPLOYER, AWS_ADMIN]
    assert [h.target for h in escalations[PIPELINE_SP].path] == [BRIDGE, DEPLOYER, AWS_ADMIN]


def test_no_look_alike_is_a_path(estate: Analysis, findings: tuple[Finding, ...]) -> None:
    graph = estate.graph
    # a trust pinned to a Google id nobody in the estate has: only that outsider, never an estate identity
    assert {n for n in who_reaches(graph, LOOKALIKE) if graph.identity(n) is not None} == set()
    [outsider] = federated_into(graph, LOOKALIKE)
    assert "175686371262637996786 (not in the scanned estate)" in graph.label(outsider)
    # a binding pinned to an object id that is no identity of the scanned tenant: nobody federates in (GCP's own
    # impersonation paths to it are another matter), and no Entra identity reaches it
    assert federated_into(graph, BRIDGE_LOOKALIKE) == set()
    assert not {n for n in who_reaches(graph, BRIDGE_LOOKALIKE) if n.startswith("servicePrincipals/")}
    # the fork's workflow becomes the fork's app only
    assert BRIDGE not in reachable_from(graph, FORK_SP)
    fork = [n for n in entries(graph, GITHUB) if "someone-else/release-tools" in graph.label(n)]
    assert fork and all(BRIDGE not in reachable_from(graph, n) for n in fork)
    assert FORK_SP not in {f.subject for f in findings if f.check_id == "privilege-escalation"}
    [fork_entry] = [f for f in findings if f.check_id == "external-entry-point" and "someone-else" in f.message]
    assert fork_entry.severity.label == "low" and fork_entry.evidence["identities"] == [FORK_SP]


def test_aws_alone_sees_the_google_id_as_an_outsider() -> None:
    graph = analyse([SAMPLE / "aws"], settings=Settings(), now=NOW).graph
    assert [graph.label(n) for n in federated_into(graph, DEPLOYER)] == [
        f"the Google account or service account {BRIDGE_ID} (not in the scanned estate)"
    ]


# -- one trust changed -------------------------------------------------------------------------------------------


def test_an_aws_trust_pinned_to_another_audience_breaks_the_chain(tmp_path: Path) -> None:
    other = google_trust({"StringEquals": {"accounts.google.com:aud": "100000000000000000001"}})
    graph = edit(tmp_path, {AUTHZ: trust_of("gcp-federated-deployer", other)})
    assert DEPLOYER not in federates(graph, BRIDGE)
    assert AWS_ADMIN not in reachable_from(graph, BRIDGE)


def test_an_aws_trust_pinned_by_sub_is_as_good_as_by_aud(tmp_path: Path) -> None:
    by_sub = google_trust({"StringEquals": {"accounts.google.com:sub": BRIDGE_ID}})
    graph = edit(tmp_path, {AUTHZ: trust_of("gcp-federated-deployer", by_sub)})
    assert federates(graph, BRIDGE) == {DEPLOYER}
    assert federated_into(graph, DEPLOYER) == {BRIDGE}


def test_an_aws_trust_on_the_chosen_audience_only_is_open_to_any_google_account(tmp_path: Path) -> None:
    open_trust = google_trust({"StringEquals": {"accounts.google.com:oaud": "sts.amazonaws.com"}})
    graph = edit(tmp_path, {AUTHZ: trust_of("gcp-federated-deployer", open_trust)})
    assert graph.label("issuer:accounts.google.com") == "anyone with a Google account or service account"
    assert DEPLOYER in federates(graph, "issuer:accounts.google.com")
    findings = run_scan([tmp_path / "estate"], now=NOW).findings
    [entry] = [
        f for f in findings if f.check_id == "external-entry-point" and f.subject == "issuer:accounts.google.com"
    ]
    assert entry.severity.label == "critical"


def test_a_condition_the_token_cannot_show_makes_the_edge_conditional(tmp_path: Path) -> None:
    statement = google_trust(
        {"StringEquals": {"accounts.google.com:aud": BRIDGE_ID}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    )
    graph = edit(tmp_path, {AUTHZ: trust_of("gcp-federated-deployer", statement)})
    [edge] = [e for e in graph.edges_from(BRIDGE) if e.target == DEPLOYER]
    assert edge.conditional and "aws:SourceIp" in edge.reason


def test_an_oidc_provider_of_another_account_is_not_usable(tmp_path: Path) -> None:
    elsewhere = "arn:aws:iam::999988887777:oidc-provider/token.actions.githubusercontent.com"
    statement = google_trust(
        {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:northwind/x:ref:refs/heads/main"}},
        federated=elsewhere,
    )
    graph = edit(tmp_path, {AUTHZ: trust_of("gcp-federated-lookalike", statement)})
    assert who_reaches(graph, LOOKALIKE) == set()
    findings = run_scan([tmp_path / "estate"], now=NOW).findings
    assert not [f for f in findings if f.check_id == "trust-oidc-unscoped" and f.subject == LOOKALIKE]


def test_an_aws_role_trusting_the_entra_tenant_admits_the_pinned_service_principal(tmp_path: Path) -> None:
    statement = google_trust(
        {"StringEquals": {f"sts.windows.net/{TENANT}/:sub": PIPELINE_OID}},
        federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/sts.windows.net/{TENANT}/",
    )
    graph = edit(tmp_path, {AUTHZ: trust_of("gcp-federated-lookalike", statement)})
    assert LOOKALIKE in federates(graph, PIPELINE_SP)
    assert federated_into(graph, LOOKALIKE) == {PIPELINE_SP}  # a scanned tenant: no outsider holds its tokens


def test_a_tenant_trust_on_the_audience_alone_comes_from_a_set_that_says_so(tmp_path: Path) -> None:
    statement = google_trust(
        {"StringEquals": {f"sts.windows.net/{TENANT}/:aud": "api://nhi-scan-sample-gcp"}},  # release-pipeline's URI
        federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/sts.windows.net/{TENANT}/",
    )
    graph = edit(tmp_path, {AUTHZ: trust_of("gcp-federated-lookalike", statement)})
    [hub] = [e.source for e in graph.edges_to(LOOKALIKE) if e.kind is EdgeKind.FEDERATES]
    assert graph.node_kind(hub) is NodeKind.HUB
    assert graph.label(hub).startswith("any of the ") and "aud = api://nhi-scan-sample-gcp" in graph.label(hub)
    members = {e.source for e in graph.edges_to(hub)}
    assert PIPELINE_SP in members and FORK_SP in members


def test_a_tenant_trust_on_an_audience_no_resource_of_the_tenant_has_admits_nobody(tmp_path: Path) -> None:
    """Entra issues tokens only for resources with a service principal in the tenant (AADSTS500011 otherwise)."""
    statement = google_trust(
        {"StringEquals": {f"sts.windows.net/{TENANT}/:aud": "api://no-such-app"}},
        federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/sts.windows.net/{TENANT}/",
    )
    graph = edit(tmp_path, {AUTHZ: trust_of("gcp-federated-lookalike", statement)})
    assert federated_into(graph, LOOKALIKE) == set()


def test_a_gcp_binding_pinned_to_another_object_id_breaks_the_chain(tmp_path: Path) -> None:
    def other_subject(policy: dict[str, Any]) -> dict[str, Any]:
        member = policy["bindings"][0]["members"][0]
        policy["bindings"][0]["members"] = [member.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-00000000abcd"]
        return policy

    graph = edit(tmp_path, {BRIDGE_POLICY: other_subject})
    assert BRIDGE not in federates(graph, PIPELINE_SP)
    assert federated_into(graph, BRIDGE) == set()  # the tenant is scanned: no outsider holds its tokens


def test_a_gcp_pool_of_another_tenant_is_an_entry_point_of_that_tenant(tmp_path: Path) -> None:
    other = "0f0f0f0f-1111-4222-8333-444444444444"

    def other_tenant(providers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for provider in providers:
            if provider["name"].endswith("/providers/entra"):
                provider["oidc"]["issuerUri"] = f"https://sts.windows.net/{other}/"
        return providers

    graph = edit(tmp_path, {PROVIDERS: other_tenant})
    assert BRIDGE not in federates(graph, PIPELINE_SP)
    [entry] = federated_into(graph, BRIDGE)
    assert graph.label(entry) == f"the Entra identity {PIPELINE_OID} of tenant {other} (not in the scanned estate)"


def test_an_attribute_condition_not_understood_makes_the_edge_conditional(tmp_path: Path) -> None:
    def with_condition(providers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for provider in providers:
            if provider["name"].endswith("/providers/entra"):
                provider["attributeCondition"] = "assertion.roles.exists(r, r == 'deployer')"
        return providers

    graph = edit(tmp_path, {PROVIDERS: with_condition})
    [edge] = [e for e in graph.edges_from(PIPELINE_SP) if e.target == BRIDGE]
    assert edge.conditional and "attributeCondition" in edge.reason


def test_an_entra_app_trusting_a_gcp_service_account_is_reached_from_it(tmp_path: Path) -> None:
    def google_credential(page: dict[str, Any]) -> dict[str, Any]:
        for app in page["value"]:
            if app["displayName"] == "release-pipeline-fork":
                app["federatedIdentityCredentials"] = [
                    {
                        "audiences": ["api://AzureADTokenExchange"],
                        "id": "5b3f0e9a-0000-4000-8000-000000000001",
                        "issuer": "https://accounts.google.com",
                        "name": "from-gcp-bridge",
                        "subject": BRIDGE_ID,
                    }
                ]
        return page

    graph = edit(tmp_path, {APPLICATIONS: google_credential})
    assert FORK_SP in federates(graph, BRIDGE)
    assert BRIDGE in federated_into(graph, FORK_SP)
    assert not [n for n in federated_into(graph, FORK_SP) if "accounts.google.com" in n]  # pinned to the bridge


LOOKALIKE_POLICY = BRIDGE_POLICY.replace("aws-bridge@", "aws-bridge-lookalike@")
AWS_POOL = "projects/731902458836/locations/global/workloadIdentityPools/aws-pool"


def aws_provider(condition: str | None = None) -> Callable[[Any], Any]:
    def change(providers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        entry: dict[str, Any] = {"name": f"{AWS_POOL}/providers/aws", "aws": {"accountId": ACCOUNT}, "state": "ACTIVE"}
        if condition:
            entry["attributeCondition"] = condition
        return [*providers, entry]

    return change


def bound_to(member: str) -> Callable[[Any], Any]:
    def change(policy: dict[str, Any]) -> dict[str, Any]:
        policy["bindings"] = [{"members": [member], "role": "roles/iam.workloadIdentityUser"}]
        return policy

    return change


def test_an_aws_role_reaches_a_gcp_service_account_through_an_aws_provider(tmp_path: Path) -> None:
    role_set = (
        f"principalSet://iam.googleapis.com/{AWS_POOL}/attribute.aws_role/"
        f"arn:aws:sts::{ACCOUNT}:assumed-role/gcp-federated-lookalike"
    )
    graph = edit(tmp_path, {PROVIDERS: aws_provider(), LOOKALIKE_POLICY: bound_to(role_set)})
    assert federated_into(graph, BRIDGE_LOOKALIKE) == {LOOKALIKE}  # that role only, not the deployer
    [edge] = [e for e in graph.edges_from(LOOKALIKE) if e.target == BRIDGE_LOOKALIKE]
    assert "GetCallerIdentity" in edge.reason and not edge.conditional


def test_a_session_subject_names_one_role_and_an_account_condition_keeps_others_out(tmp_path: Path) -> None:
    session = (
        f"principal://iam.googleapis.com/{AWS_POOL}/subject/"
        f"arn:aws:sts::{ACCOUNT}:assumed-role/gcp-federated-deployer/nightly"
    )
    graph = edit(tmp_path, {PROVIDERS: aws_provider(), LOOKALIKE_POLICY: bound_to(session)})
    assert federated_into(graph, BRIDGE_LOOKALIKE) == {DEPLOYER}  # the caller names its own session
    other_account = aws_provider("attribute.aws_account == '999988887777'")
    graph = edit(tmp_path / "other", {PROVIDERS: other_account, LOOKALIKE_POLICY: bound_to(session)})
    assert federated_into(graph, BRIDGE_LOOKALIKE) == set()
