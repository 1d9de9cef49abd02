"""Each credential and hygiene check, judged at a fixed --now, on small exports built here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import Finding, ScanResult, Severity
from nhi_scan.settings import Settings
from tests.aws.builders import credential_report, gaad, report_row, role, user, write_export

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def scan(directory: Path, **settings: object) -> ScanResult:
    return run_scan([directory], settings=Settings(**settings), now=NOW)  # type: ignore[arg-type]


def of(result: ScanResult, check_id: str) -> list[Finding]:
    return [f for f in result.findings if f.check_id == check_id]


def key_export(tmp_path: Path, *rows: str) -> Path:
    return write_export(tmp_path, report=credential_report(*rows))


@pytest.mark.parametrize(
    ("rotated", "flagged"), [("2026-08-31T00:00:00+00:00", False), ("2026-08-30T00:00:00+00:00", True)]
)
def test_key_age_limit_is_exclusive(tmp_path: Path, rotated: str, flagged: bool) -> None:
    # 2026-08-31 -> 2026-11-29 is exactly 90 days: not over the limit; one day more is.
    result = scan(key_export(tmp_path, report_row("svc-a", key1=(True, rotated, "2026-11-28T00:00:00+00:00"))))
    findings = of(result, "credential-not-rotated")
    assert bool(findings) is flagged
    if flagged:
        assert findings[0].evidence["age_days"] == 91
        assert findings[0].subject == "arn:aws:iam::111122223333:user/svc-a#access-key-1"


def test_inactive_key_is_not_judged_for_age(tmp_path: Path) -> None:
    result = scan(key_export(tmp_path, report_row("svc-a", key1=(False, "2020-01-01T00:00:00+00:00", "N/A"))))
    assert not of(result, "credential-not-rotated") and not of(result, "credential-unused")


def test_key_age_threshold_is_configurable(tmp_path: Path) -> None:
    row = report_row("svc-a", key1=(True, "2026-10-01T00:00:00+00:00", "2026-11-28T00:00:00+00:00"))
    assert not of(scan(key_export(tmp_path, row)), "credential-not-rotated")
    assert of(scan(key_export(tmp_path, row), key_max_age_days=30), "credential-not-rotated")


def test_unused_and_never_used_keys(tmp_path: Path) -> None:
    result = scan(
        key_export(
            tmp_path,
            report_row("svc-old-use", key1=(True, "2024-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00")),
            report_row("svc-never", key1=(True, "2024-01-01T00:00:00+00:00", "N/A")),
            report_row("svc-new", key1=(True, "2026-11-20T00:00:00+00:00", "N/A")),
            report_row("svc-busy", key1=(True, "2024-01-01T00:00:00+00:00", "2026-11-28T00:00:00+00:00")),
        )
    )
    flagged = {f.identity.rsplit("/", 1)[-1]: f for f in of(result, "credential-unused")}  # type: ignore[union-attr]
    assert set(flagged) == {"svc-old-use", "svc-never"}
    assert flagged["svc-old-use"].evidence["days_unused"] == 697
    assert flagged["svc-never"].evidence["never_used"] is True
    assert flagged["svc-never"].evidence["days_unused"] == 1063


def test_two_active_keys(tmp_path: Path) -> None:
    result = scan(
        key_export(
            tmp_path,
            report_row(
                "svc-two",
                key1=(True, "2026-11-01T00:00:00+00:00", "N/A"),
                key2=(True, "2026-11-02T00:00:00+00:00", "N/A"),
            ),
            report_row(
                "svc-one",
                key1=(True, "2026-11-01T00:00:00+00:00", "N/A"),
                key2=(False, "2026-11-02T00:00:00+00:00", "N/A"),
            ),
        )
    )
    assert [f.identity for f in of(result, "multiple-active-keys")] == ["arn:aws:iam::111122223333:user/svc-two"]


def test_machine_user_with_console_password(tmp_path: Path) -> None:
    result = scan(
        key_export(
            tmp_path,
            report_row("deploy-bot", password=True, password_last_used="2026-11-01T00:00:00+00:00"),
            report_row("build-bot", password=True),
            report_row("jane.doe", password=True, password_last_used="2026-11-01T00:00:00+00:00", mfa=True),
        )
    )
    found = {f.identity.rsplit("/", 1)[-1]: f.severity for f in of(result, "machine-console-password")}  # type: ignore[union-attr]
    assert found == {"deploy-bot": Severity.HIGH, "build-bot": Severity.MEDIUM}


def test_root_access_key_is_critical(tmp_path: Path) -> None:
    result = scan(key_export(tmp_path, report_row("<root_account>", key1=(True, "2026-11-01T00:00:00+00:00", "N/A"))))
    (finding,) = of(result, "root-access-key")
    assert finding.severity is Severity.CRITICAL and finding.evidence["account"] == "111122223333"


def test_inactive_root_key_is_not_critical(tmp_path: Path) -> None:
    result = scan(key_export(tmp_path, report_row("<root_account>", key1=(False, "2026-11-01T00:00:00+00:00", "N/A"))))
    assert not of(result, "root-access-key")


def test_identity_unused_roles_and_users(tmp_path: Path) -> None:
    authz = gaad(
        users=[user("svc-idle"), user("svc-active")],
        roles=[
            role("never-used", last_used=None, created="2025-01-01T00:00:00Z"),
            role("new-role", last_used=None, created="2026-11-01T00:00:00Z"),
            role("used-long-ago", last_used="2026-06-01T00:00:00Z"),
            role("used-recently", last_used="2026-11-28T00:00:00Z"),
            role("usage-unknown", last_used=False, created="2020-01-01T00:00:00Z"),
            role("AWSServiceRoleForSupport", path="/aws-service-role/support.amazonaws.com/", last_used=None),
        ],
    )
    report = credential_report(
        report_row("svc-idle", key1=(True, "2024-01-01T00:00:00+00:00", "2025-05-01T00:00:00+00:00")),
        report_row("svc-active", key1=(True, "2024-01-01T00:00:00+00:00", "2026-11-27T00:00:00+00:00")),
    )
    result = scan(write_export(tmp_path, authz=authz, report=report))
    names = sorted(f.subject.rsplit("/", 1)[-1] for f in of(result, "identity-unused"))
    assert names == ["never-used", "svc-idle", "used-long-ago"]


def test_missing_owner_uses_configurable_tag_keys(tmp_path: Path) -> None:
    authz = gaad(roles=[role("tagged", tags={"Team": "data"}), role("custom", tags={"CostCenter": "x"}), role("bare")])
    directory = write_export(tmp_path, authz=authz)
    assert sorted(f.subject.rsplit("/", 1)[-1] for f in of(scan(directory), "missing-owner")) == ["bare", "custom"]
    custom = scan(directory, owner_tag_keys=("costcenter",))
    assert sorted(f.subject.rsplit("/", 1)[-1] for f in of(custom, "missing-owner")) == ["bare", "tagged"]


def test_human_access_key_reported_but_not_as_machine(tmp_path: Path) -> None:
    result = scan(
        key_export(
            tmp_path,
            report_row("jane.doe", password=True, mfa=True, key1=(True, "2026-11-01T00:00:00+00:00", "N/A")),
        )
    )
    assert len(of(result, "human-access-key")) == 1
    assert not of(result, "missing-owner")


def test_fingerprints_are_stable_across_scan_times(tmp_path: Path) -> None:
    directory = key_export(tmp_path, report_row("svc-a", key1=(True, "2020-01-01T00:00:00+00:00", "N/A")))
    first = {f.id for f in scan(directory).findings}
    later = {f.id for f in run_scan([directory], now=datetime(2027, 6, 1, tzinfo=UTC)).findings}
    assert first == later and len(first) >= 2
