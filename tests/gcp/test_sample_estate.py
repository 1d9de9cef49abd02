"""The planted GCP sample organisation (sample_data/gcp, see its README): every planted problem found, every decoy
left alone, in the per-command form; the whole-organisation forms (Cloud Asset export, search-all-iam-policies)
give the same identities and paths where they carry the same facts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import Finding, ScanResult, Severity

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "gcp"
FIXTURES = ROOT / "tests" / "fixtures" / "gcp"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def sa(name: str, project: str) -> str:
    return f"serviceAccount:{name}@{project}.iam.gserviceaccount.com"


CI_DEPLOYER = sa("ci-deployer", "nw-prod-apps")
BUILD_RUNNER = sa("build-runner", "nw-prod-apps")
PROD_ADMIN = sa("prod-admin", "nw-prod-apps")
FN_DEPLOYER = sa("fn-deployer", "nw-prod-apps")
OPS = sa("ops-automation", "nw-prod-apps")
ETL = sa("etl-runner", "nw-prod-data")
MIGRATION = sa("migration-helper", "nw-prod-data")
SANDBOX = sa("sandbox-bootstrap", "nw-dev-sandbox")
DEV_COMPUTE = "serviceAccount:258147036925-compute@developer.gserviceaccount.com"
PROD_COMPUTE = "serviceAccount:731902458836-compute@developer.gserviceaccount.com"


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return run_scan([SAMPLE], now=NOW)


def of(result: ScanResult, check: str) -> dict[str, Finding]:
    return {f.subject: f for f in result.findings if f.check_id == check}


def test_it_reads_every_file_of_the_sample(result: ScanResult) -> None:
    used = [s for s in result.sources if s.status.value == "used"]
    assert len(used) == 47 and result.complete  # 45 + the IAM policies of aws-bridge and aws-bridge-lookalike
    assert sorted(result.inventory.scopes) == [
        ("gcp", "nw-dev-sandbox"),
        ("gcp", "nw-prod-apps"),
        ("gcp", "nw-prod-data"),
    ]
    accounts = [i for i in result.inventory.identities if i.kind.value == "service-account" and not i.provider_managed]
    assert len([a for a in accounts if a.attributes.get("listed", True)]) == 17  # 15 + aws-bridge, aws-bridge-lookalike


def test_admin_identities(result: ScanResult) -> None:
    admins = of(result, "admin-identity")
    assert set(admins) == {PROD_ADMIN, SANDBOX}
    assert MIGRATION not in admins  # roles/owner under a condition that expired in 2025 (decoy X2)


def test_planted_escalation_paths_and_their_hops(result: ScanResult) -> None:
    paths = of(result, "privilege-escalation")
    assert set(paths) == {CI_DEPLOYER, BUILD_RUNNER, FN_DEPLOYER, OPS, DEV_COMPUTE}
    assert ETL not in paths  # the deny policy blocks its key creation for data-admin (decoy X1)
    ci = paths[CI_DEPLOYER]
    assert [h.target for h in ci.path] == [BUILD_RUNNER, PROD_ADMIN, "admin:gcp:projects/nw-prod-apps"]
    first = ci.path[0].reason
    assert "iam.serviceAccounts.getAccessToken from roles/iam.serviceAccountTokenCreator bound on" in first
    assert "serviceAccounts/build-runner@nw-prod-apps.iam.gserviceaccount.com" in first
    assert "roles/iam.serviceAccountUser" in ci.path[1].reason
    assert paths[OPS].path[0].reason.count("bound on folders/318604920177") == 1
    assert "organizations/605117249001/roles/deployer" in paths[FN_DEPLOYER].path[0].reason
    assert paths[DEV_COMPUTE].path[-1].target == "admin:gcp:folders/847261530094"
    assert all(f.severity is Severity.HIGH for f in paths.values())


def test_keys_and_usage(result: ScanResult) -> None:
    old_key = "1fbe401f9711a76cc056497f219413fe46a17c5f"
    assert set(of(result, "credential-not-rotated")) == {old_key}  # system-managed keys are never judged (X4)
    assert set(of(result, "gcp-key-never-expires")) == {old_key}
    exposed = of(result, "gcp-key-exposed")
    assert len(exposed) == 1 and next(iter(exposed.values())).severity is Severity.HIGH  # disabled, so not critical
    unused = of(result, "identity-unused")
    # aws-bridge-lookalike: no activity record, its only binding names no identity of the Entra tenant
    assert set(unused) == {sa("legacy-sync", "nw-prod-data"), MIGRATION, sa("aws-bridge-lookalike", "nw-prod-apps")}


def test_bindings_that_are_findings_and_the_decoys(result: ScanResult) -> None:
    basic = {f.subject for f in result.findings if f.check_id == "gcp-basic-role"}
    assert basic == {DEV_COMPUTE, PROD_ADMIN, sa("data-admin", "nw-prod-data")}
    assert PROD_COMPUTE not in basic and MIGRATION not in basic
    broad = of(result, "gcp-impersonation-granted-broadly")
    assert {key.rsplit("#", 1)[1] for key in broad} == {OPS, "group:data-eng@northwind.example"}
    public = of(result, "gcp-public-member")
    assert {f.severity for f in public.values()} == {Severity.CRITICAL, Severity.HIGH}
    assert not any("projectOwner:" in key for key in public)  # legacy bucket members are not public (X9)
    assert len(of(result, "gcp-deleted-principal")) == 1
    federation = of(result, "gcp-federation-unconditioned")
    assert [s.rsplit("/", 1)[1] for s in federation] == ["github-actions"]  # not github-northwind (X3)
    assert next(iter(federation.values())).severity is Severity.CRITICAL
    assert set(of(result, "gcp-agent-broad-access")) == {sa("agent-runner", "nw-prod-apps")}


def test_no_google_service_agent_is_judged(result: ScanResult) -> None:
    judged = {f.identity for f in result.findings if f.identity}
    assert not any(
        i and ("@cloudservices." in i or i.split("@")[0].startswith("serviceAccount:service-")) for i in judged
    )


def test_federation_enters_at_the_issuer_node(result: ScanResult) -> None:
    from nhi_scan.engine import analyse
    from nhi_scan.settings import Settings

    graph = analyse([SAMPLE], settings=Settings(), now=NOW).graph
    federates = [e for e in graph.edges() if e.source.startswith("issuer:token.actions.githubusercontent.com")]
    assert {e.target for e in federates} == {sa("gh-deployer", "nw-prod-apps")}
    # the unconditioned provider admits any workflow at all; the other one only northwind's repositories
    broad = [e for e in federates if e.source == "issuer:token.actions.githubusercontent.com"]
    assert broad and all("any GitHub Actions workflow of any repository" in e.reason for e in broad)


def test_cloud_asset_export_gives_the_same_identities_and_paths() -> None:
    per_command = run_scan([SAMPLE], now=NOW)
    cai = run_scan([FIXTURES / "cai-export.ndjson"], now=NOW)
    assert cai.complete
    listed = {i.id for i in per_command.inventory.identities if i.kind.value == "service-account"}
    assert {i.id for i in cai.inventory.identities if i.kind.value == "service-account"} >= listed - {
        i.id for i in per_command.inventory.identities if i.attributes.get("listed") is False
    }
    escalating = {f.subject for f in cai.findings if f.check_id == "privilege-escalation"}
    assert escalating == {CI_DEPLOYER, BUILD_RUNNER, FN_DEPLOYER, OPS, DEV_COMPUTE}
    # Deny policies are no asset type: from the export alone, etl-runner's key creation for data-admin (blocked by
    # the deny policy of the per-command form) is (rightly) reported as lateral movement.
    data_admin = sa("data-admin", "nw-prod-data")

    def reach(result: ScanResult) -> set[str]:
        found = [f for f in result.findings if f.check_id == "lateral-movement" and f.subject == ETL]
        return {t["identity"] for f in found for t in f.evidence["targets"]}

    assert data_admin in reach(cai) and data_admin not in reach(per_command)


def test_search_all_iam_policies_gives_the_bindings() -> None:
    # The search names projects by number and accounts by unique id: the project and account lists name them.
    lists = [SAMPLE / "projects.json", *sorted(SAMPLE.glob("projects/*/service-accounts.json"))]
    searched = run_scan([FIXTURES / "search-all-iam-policies.json", *lists], now=NOW)
    per_command = run_scan([SAMPLE], now=NOW)

    def bindings(result: ScanResult) -> set[tuple[str, str, str]]:
        return {
            (g.principal_id, g.policy_id, g.resource_scope or "")
            for g in result.inventory.grants
            if g.policy_kind.value == "role-binding"
        }

    assert bindings(searched) == bindings(per_command)
