"""A newline-delimited export (a Cloud Asset export of many GB, read line by line) is searched for secret material
too, a chunk at a time: the finding names the line and the JSON path inside it, the file is still read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nhi_scan.connectors import secret_scan
from nhi_scan.connectors.loader import load_inputs
from nhi_scan.model import SourceStatus

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gcp" / "cai-export.ndjson"
KEY_DATA = "ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIsCiAgInByb2plY3QiOiAibnciCn0K" + "Qm9keQ"
PEM = (
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCqT7x\n-----END PRIVATE KEY-----\n"
)


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "assets.ndjson"
    shutil.copyfile(FIXTURE, path)
    key = {
        "name": "//iam.googleapis.com/projects/p/serviceAccounts/sa@p.iam.gserviceaccount.com/keys/abc",
        "asset_type": "iam.googleapis.com/ServiceAccountKey",
        "resource": {
            "data": {
                "name": "projects/p/serviceAccounts/sa@p.iam.gserviceaccount.com/keys/abc",
                "privateKeyData": KEY_DATA,
            }
        },
    }
    note = {"name": "//x/y", "asset_type": "example.com/Note", "resource": {"data": {"text": PEM}}}
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(key) + "\n" + json.dumps(note) + "\n")
    return path


@pytest.mark.parametrize("chunk", [secret_scan._CHUNK, 7], ids=["one-chunk", "needles-across-chunks"])
def test_a_streamed_export_is_searched_and_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(secret_scan, "_CHUNK", chunk)
    path = _export(tmp_path)
    loaded = load_inputs([path])
    assert loaded.sources[0].status in (SourceStatus.USED, SourceStatus.PARTIAL)
    lines = sum(1 for _ in path.open(encoding="utf-8"))
    places = {(s.field, s.looks_like) for s in loaded.secrets}
    assert places == {
        (f"line {lines - 1}: $.resource.data.privateKeyData", "a service account key (the whole key file, base64)"),
        (f"line {lines}: $.resource.data.text", "a PEM private key"),
    }
    assert KEY_DATA not in repr(loaded.secrets) and "MIIEvQIBADANBgkqhkiG9w0" not in repr(loaded.secrets)


def test_an_export_without_one_reports_none(tmp_path: Path) -> None:
    path = tmp_path / "assets.ndjson"
    shutil.copyfile(FIXTURE, path)
    assert load_inputs([path]).secrets == []
