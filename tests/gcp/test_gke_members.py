"""GKE Workload Identity members (``serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA]``) are members: a binding
naming one was refused as "not a member", so the Kubernetes workloads that may act as a service account vanished
from the scan (and the policy was marked unreadable). A member no IAM policy holds (a megabyte glued to an e-mail)
is still refused and named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from nhi_scan.engine import run_scan
from nhi_scan.model import SourceStatus
from tests.gcp.test_gcp_bad_input import NOW

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "gcp"
ADMIN = "prod-admin@nw-prod-apps.iam.gserviceaccount.com"
KSA = "serviceAccount:nw-prod-apps.svc.id.goog[ci/deployer]"


def _estate(tmp_path: Path, member: str) -> Path:
    root = tmp_path / "gcp"
    shutil.copytree(SAMPLE, root)
    policy = root / "projects" / "nw-prod-apps" / "service-accounts" / ADMIN / "iam-policy.json"
    document = json.loads(policy.read_text()) if policy.exists() else {"bindings": [], "etag": "BwZ=", "version": 1}
    document["bindings"].append({"role": "roles/iam.workloadIdentityUser", "members": [member]})
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text(json.dumps(document))
    return policy


def test_a_gke_workload_that_may_act_as_an_admin_account_is_a_path(tmp_path: Path) -> None:
    policy = _estate(tmp_path, KSA)
    result = run_scan([tmp_path / "gcp"], now=NOW)
    assert result.complete, [s.detail for s in result.sources if s.status is not SourceStatus.USED]
    assert not [w for w in result.warnings if "do not describe" in w]
    (source,) = [s for s in result.sources if s.path == str(policy)]
    assert source.status is SourceStatus.USED
    [finding] = [f for f in result.findings if f.check_id == "privilege-escalation" and f.subject == KSA]
    assert finding.path[0].target.endswith(ADMIN) and "nw-prod-apps" in finding.message
    ksa = next(i for i in result.inventory.identities if i.id == KSA)
    assert ksa.scope == "nw-prod-apps" and "GKE Workload Identity" in (ksa.machine_reason or "")


def test_a_member_with_a_megabyte_glued_to_its_domain_is_refused_and_named(tmp_path: Path) -> None:
    policy = _estate(tmp_path, f"serviceAccount:ci-deployer@nw-prod-apps.iam.gserviceaccount.com{'A' * 1_000_000}")
    result = run_scan([tmp_path / "gcp"], now=NOW)
    (source,) = [s for s in result.sources if s.path == str(policy)]
    assert source.status in (SourceStatus.PARTIAL, SourceStatus.ERROR)
    assert "not a member" in source.detail and len(source.detail) < 400
    assert not result.complete
