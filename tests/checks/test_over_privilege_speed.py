"""Speed of the over-privilege checks: 5,000 principals sharing 20 policies are judged per policy set, not per
principal. Only the three checks are timed (parsing and the escalation graph are measured by the benchmarks)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nhi_scan.checks import CheckContext
from nhi_scan.checks.aws.service_wide_access import CHECK as SERVICE_WIDE
from nhi_scan.checks.aws.unscoped_permissions_management import CHECK as PERMISSIONS
from nhi_scan.checks.aws.unscoped_secret_access import CHECK as SECRETS
from nhi_scan.connectors.loader import load_inputs
from nhi_scan.engine import build_graph, parse_documents
from nhi_scan.settings import Settings
from tests.escalation.accounts import Account, allow, deny, document

PRINCIPALS = 5_000
#: Generous: the three checks take a fraction of a second here; the bound only catches per-principal work.
BOUND_SECONDS = 5.0

POLICIES: list[dict[str, Any]] = [
    document(allow("s3:*")),
    document(allow("iam:PutUserPolicy")),
    document(allow("secretsmanager:GetSecretValue")),
    document(allow(["s3:GetObject", "ssm:GetParameter*", "kms:Decrypt"])),
    document(allow("dynamodb:*", "arn:aws:dynamodb:us-east-1:111122223333:table/app")),
    document(allow(None, not_action=["iam:*", "organizations:*", "account:*"])),
    document(deny("s3:*")),
    document(allow("logs:*")),
    document(allow(["ec2:Describe*", "ec2:RunInstances"])),
    document(allow("lambda:*", condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
    document(allow(["sqs:SendMessage", "sqs:ReceiveMessage"], "arn:aws:sqs:us-east-1:111122223333:jobs")),
    document(allow(["kms:CreateGrant", "kms:PutKeyPolicy"])),
    document(allow("iam:CreateAccessKey", "arn:aws:iam::111122223333:user/deploy-*")),
    document(allow("rds-db:connect")),
    document(allow(["cloudwatch:PutMetricData", "xray:PutTraceSegments"])),
    document(allow("sns:*"), deny("sns:DeleteTopic")),
    document(allow(["s3:PutBucketPolicy", "s3:PutBucketAcl"], "arn:aws:s3:::app-*")),
    document(allow("ssm:*", condition={"StringEquals": {"aws:PrincipalTag/team": "ops"}})),
    document(allow(["glue:*", "athena:*"])),
    document(allow("sts:GetFederationToken")),
]


def test_five_thousand_principals_sharing_twenty_policies(tmp_path: Path) -> None:
    account = Account(report=False)
    arns = [account.policy(f"shared-{n:02d}", doc) for n, doc in enumerate(POLICIES)]
    for number in range(PRINCIPALS):
        picked = [arns[number % 20], arns[(number * 7 + 3) % 20]]
        account.role(f"app-{number:05d}", attached=picked, tags={"team": "ops" if number % 2 else "web"})
    now = datetime(2026, 11, 29, tzinfo=UTC)
    settings = Settings()
    inventory = parse_documents(load_inputs([account.write(tmp_path / "export")]).documents, settings)
    graph, analyses = build_graph(inventory, now)
    context = CheckContext(inventory=inventory, graph=graph, settings=settings, now=now, analyses=analyses)

    counts: dict[str, int] = {}
    started = time.perf_counter()
    for check in (SERVICE_WIDE, PERMISSIONS, SECRETS):
        counts[check.id] = len(list(check.run(context)))
    elapsed = time.perf_counter() - started
    print(f"\nover-privilege checks on {PRINCIPALS} principals: {elapsed:.3f} s, findings {counts}")
    assert elapsed < BOUND_SECONDS
    assert all(count > 1_000 for count in counts.values()), counts
