"""Build the compact bundle of GCP predefined IAM roles that nhi-scan ships (standard library only).

A user's clone has no ``shared/`` directory, so the package carries its own copy of the roles. The bundle is a
deterministic gzip of compact JSON (mtime 0, sorted keys, no spaces), so re-running on the same input gives
byte-identical output and a regenerated bundle only shows up in a diff when the data changed.

Input: a JSON array of roles as ``gcloud iam roles describe`` prints them. ``includedPermissions`` may be absent:
gcloud omits an empty repeated field, and such roles grant nothing. ``description`` and ``etag`` are dropped.

Usage: ``python scripts/build_gcp_roles.py [--source PATH] [--out PATH] [--commit SHA] [--date YYYY-MM-DD]``.
A missing or malformed source is reported as one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "gcp-predefined-roles.json"
DEFAULT_OUT = REPO_ROOT / "nhi_scan" / "policy" / "gcp" / "data" / "predefined-roles.json.gz"

BUNDLE_FORMAT = 1
SOURCE_REPOSITORY = "iann0036/iam-dataset"
SOURCE_PATH = "gcp/roles/*.json"
SOURCE_COMMIT = "2073fa52ac008a45477aa0b1b4580cd99135bf60"
SOURCE_DATE = "2026-08-22"
SOURCE_LICENCE = "MIT License, Copyright (c) 2021 Ian Mckay"


class SourceError(Exception):
    """The source dataset cannot be used; the message is the one line the user sees."""


def _optional_str(role: dict[str, Any], key: str, where: str) -> str | None:
    value = role.get(key)
    if value is not None and not isinstance(value, str):
        raise SourceError(f"{where}: field {key} is not a string")
    return value


def _role_permissions(role: dict[str, Any], where: str) -> list[str]:
    """The role's permissions; absent means none (gcloud omits empty lists), anything but strings is an error."""
    value = role.get("includedPermissions", [])
    if not isinstance(value, list):
        raise SourceError(f"{where}: field includedPermissions is not a list")
    for index, permission in enumerate(value):
        if not isinstance(permission, str) or not permission:
            raise SourceError(f"{where}: field includedPermissions[{index}] is not a non-empty string")
    return value


def _checked_roles(document: Any) -> list[tuple[str, str, str | None, list[str]]]:
    """Validate the whole document before writing anything: (name, title, stage, permissions) per role."""
    if not isinstance(document, list):
        raise SourceError(f"expected a JSON array of roles, got {type(document).__name__}")
    if not document:
        raise SourceError("the array of roles is empty")
    roles: list[tuple[str, str, str | None, list[str]]] = []
    seen: set[str] = set()
    for index, role in enumerate(document):
        where = f"role [{index}]"
        if not isinstance(role, dict):
            raise SourceError(f"{where}: not a JSON object")
        name = role.get("name")
        if not isinstance(name, str) or not name.startswith("roles/") or name == "roles/":
            raise SourceError(f"{where}: field name is missing or not a predefined role name (roles/...)")
        where = f"role [{index}] {name}"
        if name in seen:
            raise SourceError(f"{where}: duplicate role name")
        seen.add(name)
        title = _optional_str(role, "title", where) or ""
        stage = _optional_str(role, "stage", where)
        if not isinstance(role.get("deleted", False), bool):
            raise SourceError(f"{where}: field deleted is not a boolean")
        roles.append((name, title, stage, _role_permissions(role, where)))
    return roles


def build_bundle(document: Any, *, commit: str, date: str) -> dict[str, Any]:
    """The compact form: one sorted list of every distinct permission, and per role the indices of its own."""
    roles = sorted(_checked_roles(document), key=lambda role: role[0])
    permissions = sorted({permission for _, _, _, held in roles for permission in held})
    index_of = {permission: index for index, permission in enumerate(permissions)}
    return {
        "format": BUNDLE_FORMAT,
        "source": {
            "repository": SOURCE_REPOSITORY,
            "path": SOURCE_PATH,
            "commit": commit,
            "date": date,
            "licence": SOURCE_LICENCE,
            "role_count": len(roles),
            "permission_count": len(permissions),
        },
        "permissions": permissions,
        "roles": [
            {"name": name, "title": title, "stage": stage, "permissions": sorted({index_of[p] for p in held})}
            for name, title, stage, held in roles
        ],
    }


def encode_bundle(bundle: dict[str, Any]) -> bytes:
    """Deterministic gzip: no file name, mtime 0, fixed level, so the same input always gives the same bytes."""
    payload = json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as archive:
        archive.write(payload)
    return buffer.getvalue()


def _read_source(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError("file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"line {exc.lineno}: not valid JSON: {exc.msg}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build nhi-scan's bundle of GCP predefined IAM roles.")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="JSON array of roles (gcloud format)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the .json.gz bundle")
    parser.add_argument("--commit", default=SOURCE_COMMIT, help="iam-dataset commit the source was taken from")
    parser.add_argument("--date", default=SOURCE_DATE, help="date of that commit (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    source: Path = args.source
    out: Path = args.out
    try:
        bundle = build_bundle(_read_source(source), commit=args.commit, date=args.date)
    except SourceError as exc:
        print(f"build_gcp_roles: {source}: {exc}", file=sys.stderr)
        return 2
    data = encode_bundle(bundle)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        print(f"build_gcp_roles: {out}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 2
    count = bundle["source"]["role_count"]
    print(f"wrote {out} ({len(data)} bytes, {count} roles, {len(bundle['permissions'])} permissions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
