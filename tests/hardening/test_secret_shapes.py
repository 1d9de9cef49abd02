"""The secret search in-process: what counts (a non-empty string in a declared field, beside the keys its shape
needs) and what does not (null, empty, a namesake field), and the seam: each cloud's field names live in its own
connector, the neutral search and check name none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhi_scan.connectors.secret_scan import find_in_json, find_in_text
from nhi_scan.model import Provider

SECRET = "Qz8" + "8Q~" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
ROOT = Path(__file__).resolve().parents[2] / "nhi_scan"


def places(document: object, provider: str | None = None) -> set[str]:
    text = json.dumps(document)
    return {s.field for s in find_in_json("f.json", text, json.loads(text), Provider(provider) if provider else None)}


@pytest.mark.parametrize(
    "document",
    [
        {"keyId": "k", "secretText": None, "hint": "Qz8"},  # what every Graph listing holds
        {"keyId": "k", "secretText": ""},
        {"displayName": "x", "password": "correct-horse-battery"},  # no create-for-rbac answer, no token shape
        {"AccessKeyMetadata": [{"AccessKeyId": "AKIAEXAMPLE000000001", "Status": "Active"}]},
        {"name": "projects/p/serviceAccounts/s/keys/k", "privateKeyType": "TYPE_GOOGLE_CREDENTIALS_FILE"},
        {"description": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"},
    ],
    ids=["null-secretText", "empty-secretText", "password-alone", "key-listing", "no-key-data", "public-key"],
)
def test_not_a_secret(document: object) -> None:
    assert places(document) == set()


def test_in_a_recognised_file_only_what_its_listings_can_carry() -> None:
    """An Azure listing is not searched for create-for-rbac's password (it never carries one), a secretText is."""
    document = {"value": [{"appId": "a", "password": SECRET, "passwordCredentials": [{"secretText": SECRET}]}]}
    assert places(document, "azure") == {"$.value[0].passwordCredentials[0].secretText"}
    assert places(document) == {"$.value[0].password", "$.value[0].passwordCredentials[0].secretText"}


def test_a_token_anywhere_in_a_file_no_cloud_reads() -> None:
    token = "ghp_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8"
    assert places({"notes": ["deploy", {"with": token}]}) == {"$.notes[1].with"}
    assert places({"odd key": token}) == {'$["odd key"]'}
    assert places({"notes": token}, "aws") == set()  # in a recognised file, tags and descriptions are judged parsed


def test_text_lines() -> None:
    text = "# saved\n[ci]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key=abc\n"
    (found,) = find_in_text("credentials", text, None)
    assert (found.field, found.looks_like, found.provider) == ("line 4", "an AWS secret access key", "aws")


def test_each_cloud_declares_its_own_fields_and_the_neutral_code_names_none() -> None:
    neutral = [
        ROOT / "connectors" / "secret_scan.py",
        ROOT / "connectors" / "secret_shapes.py",
        ROOT / "checks" / "secret_in_export.py",
    ]
    code = "".join(p.read_text(encoding="utf-8").split('"""', 2)[-1] for p in neutral)  # past the docstring
    for field in ("SecretAccessKey", "SessionToken", "privateKeyData", "private_key", "secretText", "appId"):
        assert f'"{field}"' not in code
    assert '"SecretAccessKey"' in (ROOT / "connectors" / "aws" / "secret_shapes.py").read_text(encoding="utf-8")
    assert '"privateKeyData"' in (ROOT / "connectors" / "gcp" / "secret_shapes.py").read_text(encoding="utf-8")
    assert '"secretText"' in (ROOT / "connectors" / "azure" / "secret_shapes.py").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "token",
    [
        "ghp_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8",
        "github_pat_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2",
        "glpat-" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3",
        "xoxb-" + "1234567890-abcdef",
        "AIza" + "Sy" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
        SECRET,
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
    ],
)
def test_a_token_is_redacted_in_a_long_text_as_in_a_short_one(token: str) -> None:
    """Long texts (a report batch, a whole file) take the regex marker search, short ones the substring tests:
    both find every credential shape, wherever it sits in the text."""
    from nhi_scan.redact import holds_marker, redact_text

    filler = '{"check_id": "azure-high", "severity": "high", "message": "through the vault"}, ' * 60
    for text in (f"x {token} y", filler + token, token + filler, filler + token + filler):
        assert holds_marker(text), (len(text), token[:8])
        assert token not in redact_text(text), (len(text), token[:8])
