"""One scan of the AWS, GCP and Azure samples together: each cloud's findings are those of its own scan, with its
provider and remediation, and the terminal report says which cloud each "how to fix" line is for."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from nhi_scan.engine import run_scan
from nhi_scan.reporters import ReportOptions, get_reporter

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def test_both_samples_in_one_scan() -> None:
    both = run_scan([SAMPLE], now=NOW)
    aws = run_scan([SAMPLE / "aws"], now=NOW)
    gcp = run_scan([SAMPLE / "gcp"], now=NOW)
    azure = run_scan([SAMPLE / "azure"], now=NOW)
    assert {p for p, _ in both.inventory.scopes} == {"aws", "azure", "gcp"}
    identities = {i.id: i for i in both.inventory.identities}
    for alone in (aws, gcp, azure):
        cloud = alone.inventory.scopes[0][0]
        together = [f for f in both.findings if f.provider == cloud]
        # entry points depend on which clouds are scanned (an issuer of an unscanned cloud is an outsider)
        assert [f for f in together if f.check_id != "external-entry-point"] == [
            f for f in alone.findings if f.check_id != "external-entry-point"
        ] or cloud != "aws"
        added = [f for f in together if f.id not in {g.id for g in alone.findings}]
        for finding in added:  # only what federation into another cloud makes possible
            clouds = {identities[h.target].provider for h in finding.path if h.target in identities}
            assert finding.check_id == "privilege-escalation" and len(clouds | {cloud}) > 1, finding.message
    chain = [f for f in both.findings if f.check_id == "privilege-escalation" and "aws-bridge" in f.message]
    assert chain and chain[0].path[-1].target == "admin:aws:111122223333"
    remediation = {(f.provider, f.check_id): f.remediation for f in both.findings}
    assert "iam:PassRole" in remediation[("aws", "privilege-escalation")]
    assert "roles/iam.serviceAccountUser" in remediation[("gcp", "privilege-escalation")]

    stream = io.StringIO()
    get_reporter("table").write(both, ReportOptions(), stream)
    text = stream.getvalue()
    assert "privilege-escalation (AWS):" in text and "privilege-escalation (GCP):" in text
    assert "privilege-escalation (Azure):" in text
    assert "arn:aws:secretsmanager:REGION:ACCOUNT:secret:" in text  # not turned into an emoji
