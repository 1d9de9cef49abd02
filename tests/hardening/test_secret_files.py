"""Secret material an export file holds (a saved create-access-key or assume-role answer, a service account key
file or key object, create-for-rbac output, a Graph secretText, a PEM file, a credentials file) is a finding naming
the file and the field, and the value reaches no output: no report format, no graph export, no error line, and not
the scanned model. Recognised files that carry one are still read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.hardening._estate import SAMPLE, edit_json

NOW = "2026-11-29T00:00:00Z"
Reports = tuple[subprocess.CompletedProcess[str], Path]
AWS_SECRET = "q7Hn2xVbT9kLmR4pWc8ZsY3dFgJ6uA1eNoXiB5tK"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDx7RkPq9vLmZtN3sWbYc"
SERVICE_PASSWORD = "Ujv1Xn8Qz5Rk2Lw9Pm4Hs7Tb3Yc6Df0Ga1Ee5"
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDkR7pQz3xVmNw8HcYt2LsBa9"
PEM = f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n-----END PRIVATE KEY-----\n"
GCP_KEY_DATA = "ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIsCiAgInByb2plY3RfaWQiOiAibnctcHJvZC1hcHBzIgp9Zq8"
ENTRA_SECRET = "Xy7" + "8Q~" + "kLmN0pQrStUvWxYz1234567890abcdEFgh"
RBAC_PASSWORD = "Pq2" + "8Q~" + "zYxWvUtSrQpOnMlKjIhGfEdCbA98765432"
INI_SECRET = "Zk4mN8pQ2rS6tV0wX3yA7bC1dE5fG9hJ2kL6mN0p"
CSV_SECRET = "Lw3nP7qR1sT5uV9wX2yZ6aB0cD4eF8gH1iJ5kL9m"
TAG_PEM = "-----BEGIN RSA PRIVATE KEY-----MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu"
SECRETS = {
    "AWS secret key": AWS_SECRET,
    "session token": SESSION_TOKEN,
    "service password": SERVICE_PASSWORD,
    "PEM body": PEM_BODY,
    "GCP key data": GCP_KEY_DATA,
    "Entra secretText": ENTRA_SECRET,
    "create-for-rbac password": RBAC_PASSWORD,
    "credentials file": INI_SECRET,
    "console CSV": CSV_SECRET,
    "PEM in a tag": TAG_PEM[32:],
}
#: (file, field) of every secret planted; the PEM kept in a role's tag is reported on the role, see below.
EXPECTED = {
    ("create-access-key.json", "$.AccessKey.SecretAccessKey"),
    ("assume-role.json", "$.Credentials.SecretAccessKey"),
    ("assume-role.json", "$.Credentials.SessionToken"),
    ("service-credential.json", "$.ServiceSpecificCredential.ServicePassword"),
    ("sa-key.json", "$.private_key"),
    ("key-create.json", "$.privateKeyData"),
    ("keys.json", "$[0].privateKeyData"),
    ("rbac.json", "$.password"),
    ("add-password.json", "$.secretText"),
    ("applications.json", "$.value[0].passwordCredentials[0].secretText"),
    ("deploy.pem", "line 1"),
    ("credentials", "line 3"),
    ("ci_accessKeys.csv", "line 2"),
}


def _write(path: Path, document: object) -> None:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-cloud sample with every secret shape planted: stray answers beside the AWS exports, a key object
    in a recognised GCP key listing, a secretText in the recognised Entra applications, a PEM in a role's tag."""
    root = tmp_path_factory.mktemp("secrets") / "estate"
    shutil.copytree(SAMPLE.parent, root)
    aws = root / "aws"
    _write(
        aws / "create-access-key.json",
        {
            "AccessKey": {
                "UserName": "ci-deploy",
                "AccessKeyId": "AKIAEXAMPLECIDEPLOY1",
                "Status": "Active",
                "SecretAccessKey": AWS_SECRET,
                "CreateDate": "2026-11-01T10:00:00Z",
            }
        },
    )
    _write(
        aws / "assume-role.json",
        {
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLETEMPKEY01",
                "SecretAccessKey": AWS_SECRET[::-1],
                "SessionToken": SESSION_TOKEN,
                "Expiration": "2026-11-29T01:00:00Z",
            },
            "AssumedRoleUser": {
                "AssumedRoleId": "AROAEXAMPLE:ci",
                "Arn": "arn:aws:sts::111111111111:assumed-role/r/ci",
            },
        },
    )
    _write(
        aws / "service-credential.json",
        {
            "ServiceSpecificCredential": {
                "ServiceName": "codecommit.amazonaws.com",
                "ServiceUserName": "ci-deploy-at-111111111111",
                "ServicePassword": SERVICE_PASSWORD,
                "ServiceSpecificCredentialId": "ACCAEXAMPLE123456789",
                "UserName": "ci-deploy",
                "Status": "Active",
            }
        },
    )
    gcp_sa = "ci-deployer@nw-prod-apps.iam.gserviceaccount.com"
    _write(
        aws / "sa-key.json",
        {
            "type": "service_account",
            "project_id": "nw-prod-apps",
            "private_key_id": "1fbe401f9711a76cc056497f219413fe46a17c5f",
            "private_key": PEM,
            "client_email": gcp_sa,
            "client_id": "104857600000000000001",
        },
    )
    _write(
        aws / "key-create.json",
        {
            "name": f"projects/nw-prod-apps/serviceAccounts/{gcp_sa}/keys/9a8b7c",
            "privateKeyType": "TYPE_GOOGLE_CREDENTIALS_FILE",
            "privateKeyData": GCP_KEY_DATA[::-1],
            "keyAlgorithm": "KEY_ALG_RSA_2048",
        },
    )
    _write(
        aws / "rbac.json",
        {
            "appId": "11111111-2222-4333-8444-555555555555",
            "displayName": "azure-cli-2026-11-28",
            "password": RBAC_PASSWORD,
            "tenant": "66666666-7777-4888-9999-000000000000",
        },
    )
    _write(
        aws / "add-password.json",
        {
            "customKeyIdentifier": None,
            "displayName": "pipeline",
            "endDateTime": "2027-11-28T00:00:00Z",
            "hint": "Pq2",
            "keyId": "f4baa279-8f5e-46f2-aead-000000000001",
            "secretText": RBAC_PASSWORD[::-1],
            "startDateTime": "2026-11-28T00:00:00Z",
        },
    )
    (aws / "deploy.pem").write_text(PEM, encoding="utf-8")
    (aws / "credentials").write_text(
        f"[default]\naws_access_key_id = AKIAEXAMPLEINIKEY001\naws_secret_access_key = {INI_SECRET}\n", encoding="utf-8"
    )
    (aws / "ci_accessKeys.csv").write_text(
        f"Access key ID,Secret access key\nAKIAEXAMPLECSVKEY001,{CSV_SECRET}\n", encoding="utf-8"
    )
    keys = root / "gcp/projects/nw-prod-apps/service-accounts" / gcp_sa / "keys.json"
    edit_json(keys, lambda d: d[0].__setitem__("privateKeyData", GCP_KEY_DATA))

    def plant_secret_text(document: dict[str, Any]) -> None:
        document["value"][0]["passwordCredentials"][0]["secretText"] = ENTRA_SECRET

    edit_json(root / "azure/graph/applications.json", plant_secret_text)

    def plant_tag(document: dict[str, Any]) -> None:
        role = document["RoleDetailList"][0]
        role["Tags"] = [*role.get("Tags", []), {"Key": "signing-key", "Value": TAG_PEM}]

    edit_json(aws / "authz.json", plant_tag)
    return root


def run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nhi_scan", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def _leaks(text: str) -> list[str]:
    """The planted secrets (or any 16 characters of one, either way round) that ``text`` holds."""
    found = []
    for name, secret in SECRETS.items():
        for value in (secret, secret[::-1]):
            if any(value[i : i + 16] in text for i in range(len(value) - 15)):
                found.append(name)
    return found


@pytest.fixture(scope="module")
def reports(estate: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Every report format of one scan, written to a directory."""
    out = tmp_path_factory.mktemp("reports")
    formats = "table,json,sarif,markdown,html,csv"
    done = run("scan", str(estate), "-f", formats, "--output-dir", str(out), "-v", "--now", NOW)
    return done, out


def test_no_report_format_holds_a_secret(reports: Reports) -> None:
    done, out = reports
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"nhi-scan.{s}" for s in ("csv", "html", "json", "md", "sarif", "txt")]
    for path in out.iterdir():
        assert _leaks(path.read_text(encoding="utf-8")) == [], path.name
    assert _leaks(done.stdout + done.stderr) == []


@pytest.mark.parametrize("fail_on", [None, "high"])
def test_the_terminal_report_holds_none_and_exit_codes_are_documented(estate: Path, fail_on: str | None) -> None:
    extra = ["--fail-on", fail_on] if fail_on else []
    done = run("scan", str(estate), "-v", "--now", NOW, *extra)
    assert done.returncode == (1 if fail_on else 0), done.stderr
    assert _leaks(done.stdout + done.stderr) == []
    assert "secret-in-export" in done.stdout


@pytest.mark.parametrize("fmt", ["graphml", "opengraph"])
def test_graph_exports_hold_none(estate: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    done = run("graph", "export", str(estate), "-f", fmt, "-o", str(out), "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert _leaks(out.read_text(encoding="utf-8") + done.stdout + done.stderr) == []


def _file_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check_id"] == "secret-in-export" and "file" in f["evidence"]]


def test_each_secret_is_a_finding_naming_file_and_field(reports: Reports) -> None:
    report = json.loads((reports[1] / "nhi-scan.json").read_text(encoding="utf-8"))
    findings = _file_findings(report)
    places = {
        (Path(f["evidence"]["file"]).name, f["evidence"].get("json_path") or f["evidence"]["field"]) for f in findings
    }
    assert places >= EXPECTED
    assert all(f["severity"] == "high" for f in findings)
    for finding in findings:
        assert finding["evidence"]["file"] in finding["message"]


def test_the_owner_is_named_where_the_file_says(reports: Reports) -> None:
    report = json.loads((reports[1] / "nhi-scan.json").read_text(encoding="utf-8"))
    by_file = {(Path(f["evidence"]["file"]).name, f["evidence"]["field"]): f for f in _file_findings(report)}
    created = by_file[("create-access-key.json", "$.AccessKey.SecretAccessKey")]
    assert created["evidence"]["belongs_to"] == {"AccessKeyId": "AKIAEXAMPLECIDEPLOY1", "UserName": "ci-deploy"}
    assert created["provider"] == "aws"
    listed = by_file[("keys.json", "$[0].privateKeyData")]
    assert listed["provider"] == "gcp" and listed["identity"] is not None  # the key of a known service account
    assert "ci-deployer@nw-prod-apps" in listed["identity"]
    console_csv = by_file[("ci_accessKeys.csv", "line 2")]
    assert console_csv["evidence"]["belongs_to"] == {"access key id": "AKIAEXAMPLECSVKEY001"}


def test_a_secret_in_a_tag_is_one_finding_saying_where_in_the_file(
    reports: Reports,
) -> None:
    report = json.loads((reports[1] / "nhi-scan.json").read_text(encoding="utf-8"))
    tagged = [f for f in report["findings"] if f["check_id"] == "secret-in-export" and f["identity"]]
    on_tag = [f for f in tagged if f["evidence"].get("field") == "tag signing-key"]
    assert len(on_tag) == 1
    assert on_tag[0]["evidence"]["json_path"] == f"$.RoleDetailList[0].Tags[{_tags_before()}].Value"
    assert Path(on_tag[0]["evidence"]["file"]).name == "authz.json"
    in_authz = [f for f in _file_findings(report) if Path(f["evidence"]["file"]).name == "authz.json"]
    assert in_authz == on_tag  # not a second finding for the same PEM


def _tags_before() -> int:
    """The index the planted tag got: after the role's own tags."""
    document = json.loads((SAMPLE / "authz.json").read_text(encoding="utf-8"))
    return len(document["RoleDetailList"][0].get("Tags", []))


def test_recognised_files_holding_a_secret_are_still_read(reports: Reports) -> None:
    report = json.loads((reports[1] / "nhi-scan.json").read_text(encoding="utf-8"))
    status = {Path(s["path"]).name + ":" + Path(s["path"]).parent.name: s["status"] for s in report["scan"]["sources"]}
    read = ("used", "partial")  # its documents are in the inventory
    assert status["applications.json:graph"] in read
    assert status["keys.json:ci-deployer@nw-prod-apps.iam.gserviceaccount.com"] in read
    assert status["authz.json:aws"] in read
    assert status["create-access-key.json:aws"] == "skipped"


def test_the_skipped_line_says_a_secret_is_there_not_what(reports: Reports) -> None:
    report = json.loads((reports[1] / "nhi-scan.json").read_text(encoding="utf-8"))
    details = {Path(s["path"]).name: s["detail"] for s in report["scan"]["sources"]}
    assert "holds an AWS secret access key at $.AccessKey.SecretAccessKey" in details["create-access-key.json"]


def test_the_model_never_holds_a_file_secret(estate: Path) -> None:
    from nhi_scan.engine import run_scan

    result = run_scan([estate], now=None)
    held = repr(result.inventory.secrets_at_rest) + repr(result.inventory.identities) + repr(result.findings)
    assert [name for name in _leaks(held) if name != "PEM in a tag"] == []  # a tag's value is the tag (redacted out)


def test_an_error_message_never_holds_one(tmp_path: Path) -> None:
    """A lone unrecognised file named on the command line: exit 2, one line naming the place, not the value."""
    path = tmp_path / "answer.json"
    _write(path, {"AccessKey": {"AccessKeyId": "AKIAEXAMPLECIDEPLOY1", "SecretAccessKey": AWS_SECRET}})
    done = run("scan", str(path), "--now", NOW)
    assert done.returncode == 2
    assert "$.AccessKey.SecretAccessKey" in done.stderr
    assert _leaks(done.stdout + done.stderr) == []


def test_sarif_points_at_the_file_holding_it(reports: Reports) -> None:
    sarif = json.loads((reports[1] / "nhi-scan.sarif").read_text(encoding="utf-8"))
    results = [r for run in sarif["runs"] for r in run["results"] if r["ruleId"] == "secret-in-export"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert any(uri.endswith("aws/create-access-key.json") for uri in uris)
    assert any(uri.endswith("azure/graph/applications.json") for uri in uris)
