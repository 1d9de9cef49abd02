"""Build the compact Azure RBAC, Entra directory role and Microsoft Graph app role data nhi-scan ships (stdlib only).

A user's clone has no ``shared/`` directory, so the package carries its own copy of Microsoft's role identifiers and
of the Azure built-in role definitions. Every output is deterministic (sorted keys and entries; the gzip has mtime 0
and no file name), so re-running on the same input gives byte-identical files and a regenerated file only shows up
in a diff when the data changed.

Inputs:
- Azure built-in roles, a JSON array as ``az role definition list`` prints it. Kept per role: the GUID (``name``,
  lower-cased), ``roleName`` and every ``permissions[]`` block with ``actions``, ``notActions``, ``dataActions``,
  ``notDataActions`` exactly (order, duplicates and case preserved) plus its ABAC ``condition``: 31 blocks carry
  one, and dropping it would make e.g. Key Vault Data Access Administrator look able to assign any role.
  ``description``, ``assignableScopes`` (always ``/`` for built-in roles), ``roleType`` and ``type`` are dropped.
- Entra built-in directory roles: ``templateId`` and ``displayName``.
- Microsoft Graph application permissions: app role ``id``, ``value`` and ``resourceAppId`` (Microsoft Graph's).

Before anything is written, every ``id``/``name`` pair of ``tier0.toml`` (nhi-scan's own classification) is checked
against the freshly built data, so a renamed or removed role cannot leave a stale tier-0 entry behind.

Usage: ``python scripts/build_azure_roles.py [--rbac-source P] [--entra-source P] [--graph-source P] [--out-dir D]
[--tier0 P] [--iam-dataset-commit SHA --iam-dataset-date YYYY-MM-DD] [--tiering-commit SHA --tiering-date DATE]``.
A missing or malformed source is reported as one line on stderr with exit code 2, and nothing is written.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
DATA_DIR = REPO_ROOT / "nhi_scan" / "policy" / "azure" / "data"
DEFAULT_RBAC_SOURCE = SHARED_DATA / "azure-built-in-roles.json"
DEFAULT_ENTRA_SOURCE = SHARED_DATA / "entra-built-in-roles.json"
DEFAULT_GRAPH_SOURCE = SHARED_DATA / "msgraph-app-roles.json"
DEFAULT_TIER0 = DATA_DIR / "tier0.toml"

RBAC_OUT = "built-in-roles.json.gz"
ENTRA_OUT = "entra-roles.json"
GRAPH_OUT = "graph-app-roles.json"

BUNDLE_FORMAT = 1
MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
IAM_DATASET = "iann0036/iam-dataset"
IAM_DATASET_PATH = "azure/built-in-roles-raw.json"
IAM_DATASET_COMMIT = "2073fa52ac008a45477aa0b1b4580cd99135bf60"
IAM_DATASET_DATE = "2026-08-22"
IAM_DATASET_LICENCE = "MIT License, Copyright (c) 2021 Ian Mckay"
TIERING = "emiliensocchi/azure-tiering"
TIERING_COMMIT = "5edc6755652990f08680f5a9f54b82c0b838877e"
TIERING_DATE = "2026-08-21"
TIERING_CONTENT = "identifiers only: Microsoft's published ids and names; no tiering copied"

PERMISSION_LISTS = ("actions", "notActions", "dataActions", "notDataActions")
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class SourceError(Exception):
    """An input cannot be used; the message is the one line the user sees (prefixed with the file)."""


def _guid(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not _GUID.fullmatch(value.lower()):
        raise SourceError(f"{where}: field {key} is missing or not a GUID")
    return value.lower()


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SourceError(f"{where}: field {key} is missing or not a non-empty string")
    return value


def _objects(document: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(document, list):
        raise SourceError(f"expected a JSON array of {what}, got {type(document).__name__}")
    if not document:
        raise SourceError(f"the array of {what} is empty")
    for index, item in enumerate(document):
        if not isinstance(item, dict):
            raise SourceError(f"{what[:-1]} [{index}]: not a JSON object")
    return document


def _unique(seen: set[str], key: str, field: str, where: str) -> None:
    if key in seen:
        raise SourceError(f"{where}: duplicate {field}")
    seen.add(key)


def _permission_block(block: Any, where: str) -> dict[str, Any]:
    """One ``permissions[]`` entry; an absent list means empty (the REST API may omit it), a wrong type is an error."""
    if not isinstance(block, dict):
        raise SourceError(f"{where}: not a JSON object")
    kept: dict[str, Any] = {}
    for key in PERMISSION_LISTS:
        value = block.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise SourceError(f"{where}: field {key} is not a list of non-empty strings")
        kept[key] = value
    for key in ("condition", "conditionVersion"):
        value = block.get(key)
        if value is not None and not isinstance(value, str):
            raise SourceError(f"{where}: field {key} is not a string")
        kept[key] = value
    return kept


def rbac_roles(document: Any) -> list[dict[str, Any]]:
    """Validate every Azure built-in role before anything is written; the compact entries, sorted by GUID."""
    roles: list[dict[str, Any]] = []
    ids: set[str] = set()
    names: set[str] = set()
    for index, role in enumerate(_objects(document, "roles")):
        where = f"role [{index}]"
        role_id = _guid(role.get("name"), "name", where)
        name = _text(role.get("roleName"), "roleName", where)
        where = f"role [{index}] {name}"
        if role.get("roleType", "BuiltInRole") != "BuiltInRole":
            raise SourceError(f"{where}: roleType is {role.get('roleType')!r}, not BuiltInRole")
        _unique(ids, role_id, "role id", where)
        _unique(names, name.casefold(), "roleName (names are case-insensitive)", where)
        blocks = role.get("permissions")
        if not isinstance(blocks, list):
            raise SourceError(f"{where}: field permissions is missing or not a list")
        permissions = [_permission_block(block, f"{where} permissions[{i}]") for i, block in enumerate(blocks)]
        roles.append({"id": role_id, "name": name, "permissions": permissions})
    return sorted(roles, key=lambda role: role["id"])


def directory_roles(document: Any) -> list[dict[str, str]]:
    """Validated Entra built-in directory roles, sorted by template id."""
    roles: list[dict[str, str]] = []
    ids: set[str] = set()
    names: set[str] = set()
    for index, role in enumerate(_objects(document, "roles")):
        where = f"role [{index}]"
        template_id = _guid(role.get("templateId"), "templateId", where)
        name = _text(role.get("displayName"), "displayName", where)
        where = f"role [{index}] {name}"
        _unique(ids, template_id, "templateId", where)
        _unique(names, name.casefold(), "displayName", where)
        roles.append({"templateId": template_id, "displayName": name})
    return sorted(roles, key=lambda role: role["templateId"])


def graph_app_roles(document: Any) -> list[dict[str, str]]:
    """Validated Microsoft Graph application permissions, sorted by app role id; all must belong to Graph."""
    roles: list[dict[str, str]] = []
    ids: set[str] = set()
    values: set[str] = set()
    for index, role in enumerate(_objects(document, "app roles")):
        where = f"app role [{index}]"
        role_id = _guid(role.get("id"), "id", where)
        value = _text(role.get("value"), "value", where)
        where = f"app role [{index}] {value}"
        if role.get("resourceAppId") != MICROSOFT_GRAPH_APP_ID:
            raise SourceError(f"{where}: resourceAppId is not Microsoft Graph's ({MICROSOFT_GRAPH_APP_ID})")
        _unique(ids, role_id, "app role id", where)
        _unique(values, value, "value", where)
        roles.append({"id": role_id, "value": value})
    return sorted(roles, key=lambda role: role["id"])


def check_tier0(
    document: Any, *, directory: Mapping[str, str], graph: Mapping[str, str], rbac: Mapping[str, str]
) -> int:
    """Every tier-0 entry's id must exist in the data under exactly its name; returns the number of entries checked."""
    if not isinstance(document, dict):
        raise SourceError("not a TOML table")
    checked = 0
    for section, names_by_id in (("directory_role", directory), ("graph_permission", graph), ("rbac_role", rbac)):
        entries = document.get(section)
        if not isinstance(entries, list) or not entries:
            raise SourceError(f"[[{section}]] is missing or empty")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise SourceError(f"[[{section}]]: an entry has no id")
            name, entry_id = entry.get("name"), entry["id"]
            known = names_by_id.get(entry_id)
            if known is None:
                raise SourceError(f"[[{section}]] {name}: id {entry_id} is not in the data")
            if known != name:
                raise SourceError(f"[[{section}]] {name}: id {entry_id} is named {known!r} in the data")
            checked += 1
    return checked


def _iam_source(commit: str, date: str, count: int) -> dict[str, Any]:
    return {
        "repository": IAM_DATASET,
        "path": IAM_DATASET_PATH,
        "commit": commit,
        "date": date,
        "licence": IAM_DATASET_LICENCE,
        "role_count": count,
    }


def _tiering_source(commit: str, date: str, **counts: Any) -> dict[str, Any]:
    return {"repository": TIERING, "commit": commit, "date": date, "content": TIERING_CONTENT, **counts}


def encode_gzip(document: Mapping[str, Any]) -> bytes:
    """Deterministic gzip: no file name, mtime 0, fixed level, so the same input always gives the same bytes."""
    payload = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as archive:
        archive.write(payload)
    return buffer.getvalue()


def encode_listing(document: Mapping[str, Any], list_key: str) -> bytes:
    """Readable, diff-friendly JSON: sorted keys, and one entry of ``list_key`` per line."""

    def dump(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    lines = ["{"]
    for key in sorted(document):
        if key == list_key:
            entries = [f"    {dump(entry)}" for entry in document[key]]
            lines.append(f"  {dump(key)}: [\n" + ",\n".join(entries) + "\n  ],")
        else:
            lines.append(f"  {dump(key)}: {dump(document[key])},")
    lines[-1] = lines[-1].removesuffix(",")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _read(path: Path, parse: Callable[[str], Any]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError("file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read: {exc}") from None
    try:
        return parse(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"not valid TOML: {exc}") from None


def build_outputs(args: argparse.Namespace) -> dict[str, bytes]:
    """Read, validate and cross-check everything; raises SourceError naming the offending file."""
    built: dict[str, Any] = {}
    for key, path, build in (
        ("rbac", args.rbac_source, rbac_roles),
        ("entra", args.entra_source, directory_roles),
        ("graph", args.graph_source, graph_app_roles),
    ):
        try:
            built[key] = build(_read(path, json.loads))
        except SourceError as exc:
            raise SourceError(f"{path}: {exc}") from None
    rbac, entra, graph = built["rbac"], built["entra"], built["graph"]
    try:
        check_tier0(
            _read(args.tier0, tomllib.loads),
            directory={role["templateId"]: role["displayName"] for role in entra},
            graph={role["id"]: role["value"] for role in graph},
            rbac={role["id"]: role["name"] for role in rbac},
        )
    except SourceError as exc:
        raise SourceError(f"{args.tier0}: {exc}") from None
    iam = (args.iam_dataset_commit, args.iam_dataset_date)
    tiering = (args.tiering_commit, args.tiering_date)
    return {
        RBAC_OUT: encode_gzip({"format": BUNDLE_FORMAT, "source": _iam_source(*iam, len(rbac)), "roles": rbac}),
        ENTRA_OUT: encode_listing(
            {"format": BUNDLE_FORMAT, "source": _tiering_source(*tiering, role_count=len(entra)), "roles": entra},
            "roles",
        ),
        GRAPH_OUT: encode_listing(
            {
                "format": BUNDLE_FORMAT,
                "resource_app_id": MICROSOFT_GRAPH_APP_ID,
                "source": _tiering_source(*tiering, app_role_count=len(graph)),
                "app_roles": graph,
            },
            "app_roles",
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build nhi-scan's Azure RBAC, Entra and Microsoft Graph role data.")
    parser.add_argument("--rbac-source", type=Path, default=DEFAULT_RBAC_SOURCE, help="az role definition list JSON")
    parser.add_argument("--entra-source", type=Path, default=DEFAULT_ENTRA_SOURCE, help="Entra directory roles JSON")
    parser.add_argument("--graph-source", type=Path, default=DEFAULT_GRAPH_SOURCE, help="Graph app roles JSON")
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR, help="where to write the three data files")
    parser.add_argument("--tier0", type=Path, default=DEFAULT_TIER0, help="tier0.toml whose ids/names to check")
    parser.add_argument("--iam-dataset-commit", default=IAM_DATASET_COMMIT, help="iam-dataset commit of the roles")
    parser.add_argument("--iam-dataset-date", default=IAM_DATASET_DATE, help="date of that commit (YYYY-MM-DD)")
    parser.add_argument("--tiering-commit", default=TIERING_COMMIT, help="azure-tiering commit of the id lists")
    parser.add_argument("--tiering-date", default=TIERING_DATE, help="date of that commit (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    try:
        outputs = build_outputs(args)
    except SourceError as exc:
        print(f"build_azure_roles: {exc}", file=sys.stderr)
        return 2
    out_dir: Path = args.out_dir
    for name, data in outputs.items():
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / name).write_bytes(data)
        except OSError as exc:
            print(f"build_azure_roles: {out_dir / name}: cannot write: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"wrote {out_dir / name} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
