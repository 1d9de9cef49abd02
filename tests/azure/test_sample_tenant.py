"""The planted sample tenant (sample_data/azure, see its README) through the whole scan: the tenant-takeover and
subscription paths found, the look-alike negatives left alone; the AzureHound form of the same tenant gives the
same admin and escalation findings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import ScanResult

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "azure"
HOUND = ROOT / "tests" / "fixtures" / "azure" / "azurehound.json"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return run_scan([SAMPLE], now=NOW)


def named(result: ScanResult, check: str) -> set[str]:
    names = {i.id: i.name for i in result.inventory.identities}
    return {names.get(f.subject, f.subject) for f in result.findings if f.check_id == check}


def test_the_sample_is_read_whole(result: ScanResult) -> None:
    assert result.complete and not result.warnings
    assert {p for p, _ in result.inventory.scopes} == {"azure"}


def test_tenant_and_subscription_admins(result: ScanResult) -> None:
    # deploy-bot (RoleManagement.ReadWrite.Directory) and consent-automation (AppRoleAssignment.ReadWrite.All) grant
    # themselves Global Administrator; ops-vm-01's identity is Owner of nw-prod; tenant-ops is only PIM-eligible.
    assert named(result, "admin-identity") == {"deploy-bot", "consent-automation", "ops-vm-01", "tenant-ops"}
    eligible = [f for f in result.findings if f.check_id == "admin-identity" and "tenant-ops" in f.message]
    assert eligible[0].severity.label == "medium"


def test_planted_paths(result: ScanResult) -> None:
    assert named(result, "privilege-escalation") == {
        "helpdesk-automation",  # P5: Application Administrator adds a secret to a tier-0 app
        "app-registry-sync",  # Application.ReadWrite.All adds a secret to a tier-0 app
        "vm-operator",  # P6: Virtual Machine Contributor -> ops-vm-01's identity -> Owner of nw-prod
        "gh-actions-infra",  # P7: Contributor on nw-prod -> ops-vm-01's identity
        "group-lifecycle",  # P8: owner of the role-assignable Privileged Role Administrator group
        "Fabrikam Cloud Backup",  # P11: a foreign app with Application.ReadWrite.All
        "nightly-export",  # P10: secrets Get on kv-nw-prod-ops -> deploy-bot-secret (inferred) -> deploy-bot
    }


def test_a_secret_that_looks_like_another_apps_credential_is_a_conditional_hop(result: ScanResult) -> None:
    # T15 / P10: the link between deploy-bot-secret and deploy-bot rests on its tag, so the path is conditional
    [finding] = [f for f in result.findings if f.check_id == "privilege-escalation" and "nightly-export" in f.message]
    assert finding.evidence["conditional"] and finding.severity.label == "medium"
    vault, stolen, admin = finding.path
    assert vault.target.endswith("/kv-nw-prod-ops") and "secrets get" in vault.reason
    assert stolen.target == next(i.id for i in result.inventory.identities if i.name == "deploy-bot")
    assert "deploy-bot-secret" in stolen.reason and "inferred from tag app: deploy-bot" in stolen.reason
    assert admin.target.startswith("admin:azure:tenants/")


def test_who_can_read_the_vault(result: ScanResult) -> None:
    # T15: nightly-export by its access policy, gh-actions-infra by writing itself one (Contributor, P7 step 2);
    # id-backup-reader's policy covers keys only (X8). High: a secret there looks like deploy-bot's credential.
    names = {i.id: i.name for i in result.inventory.identities}

    def readers(scan: ScanResult, store: str) -> dict[str, str]:
        found = [f for f in scan.findings if f.check_id == "secret-store-access" and store in f.message]
        return {names[f.identity or ""]: f.severity.label for f in found}

    assert readers(result, "Key Vault kv-nw-prod-ops") == {"nightly-export": "high", "gh-actions-infra": "high"}
    # T11 / X5: Contributors on the resource groups that hold only a storage account can list its keys: low (what
    # the account holds is not seen), and still no path to an identity
    assert readers(result, "storage account stnwdevapi") == {
        "gh-actions-api": "low",
        "id-dev-deploy": "low",
        "aa-dev-runbooks": "low",  # Contributor on the whole dev subscription
    }
    assert readers(result, "storage account stnwproddata") == {"id-orders-fn": "low", "gh-actions-infra": "high"}
    if HOUND.is_file():  # no secret names in AzureHound: the same vault readers, nothing known to be kept there
        hound = run_scan([HOUND], now=NOW)
        assert readers(hound, "Key Vault kv-nw-prod-ops") == {"nightly-export": "medium", "gh-actions-infra": "medium"}


def test_look_alike_negatives(result: ScanResult) -> None:
    reached = named(result, "privilege-escalation") | named(result, "lateral-movement")
    # X3 scoped role reaches only billing-portal; X6 a VM without identity; X8 keys-only access policy and Reader;
    # X9 a disabled service principal starts no path; X10 a foreign app that only reads.
    assert "portal-config" not in named(result, "privilege-escalation")
    assert not reached & {"gh-actions-legacy", "id-backup-reader", "legacy-reporting", "Contoso Analytics Connector"}
    # X1: no credential edge into a managed identity
    from nhi_scan.engine import analyse
    from nhi_scan.settings import Settings

    graph = analyse([SAMPLE], settings=Settings(), now=NOW).graph
    managed = {i.id for i in graph.identities() if i.kind.value == "managed-identity"}
    assert not [e for e in graph.edges() if e.target in managed and e.kind.value == "CAN_CREATE_CREDENTIAL"]


@pytest.mark.skipif(not HOUND.is_file(), reason="the AzureHound fixture is not present")
def test_azurehound_form_gives_the_same_paths(result: ScanResult) -> None:
    hound = run_scan([HOUND], now=NOW)
    assert named(hound, "admin-identity") == named(result, "admin-identity")
    # AzureHound lists no Key Vault secret names (the sample README says so): P10's inferred deploy-bot-secret hop
    # is the one path only the Graph + ARM form can show
    assert named(hound, "privilege-escalation") == named(result, "privilege-escalation") - {"nightly-export"}
