"""`gcloud asset export --content-type=resource|iam-policy` output: newline-delimited JSON, one asset per line.

Exports of large organisations are gigabytes: read line by line (bounded memory). A broken line is named by its
line number and the rest of the file is still read; the scan says it is incomplete."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.cai import records_of
from nhi_scan.connectors.gcp.records import Record, Records
from nhi_scan.errors import InputError

#: Broken lines named one by one before the rest are only counted.
_NAMED_ERRORS = 5


def _first_line(head: str) -> str:
    return next((line for line in head.splitlines() if line.strip()), "")


def sniff_head(head: str) -> bool:
    line = _first_line(head)
    if not line.lstrip().startswith("{"):
        return False
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        return False
    lines = [x for x in head.splitlines() if x.strip()]
    return (
        isinstance(value, dict)
        and str(value.get("name", "")).startswith("//")
        and ("asset_type" in value or "assetType" in value)
        and (len(lines) > 1 or head.count("\n") >= 1)
    )


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("r", encoding="utf-8-sig", errors="strict") as handle:
        yield from enumerate(handle, start=1)


def load_path(source: str, path: Path) -> Records:
    found: list[Record] = []
    notes: list[str] = []
    broken = 0
    ignored = 0
    try:
        for number, line in _lines(path):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
                records, known = records_of(Fields(value, source, f"line {number}"))
            except (json.JSONDecodeError, InputError) as exc:
                broken += 1
                if broken <= _NAMED_ERRORS:
                    detail = exc.msg if isinstance(exc, json.JSONDecodeError) else exc.one_line()
                    notes.append(f"{source}:{number}: unreadable asset skipped ({detail[:160]})")
                continue
            found.extend(records)
            ignored += not known
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not UTF-8 text (byte {exc.start})") from None
    if broken > _NAMED_ERRORS:
        notes.append(f"{source}: {broken - _NAMED_ERRORS} more unreadable assets skipped")
    if broken:
        notes.append(f"INCOMPLETE {source}: {broken} of its assets could not be read")
    return Records(tuple(found), tuple(notes))


def _never(source: str, value: object) -> Records:
    raise InputError(source, "a Cloud Asset export is read from its file, line by line")


FORMAT = InputFormat(
    name="gcp-asset-export",
    provider=GCP,
    description="gcloud asset export (newline-delimited)",
    load=_never,
    sniff_head=sniff_head,
    load_path=load_path,
    suffixes=(".ndjson", ".jsonl"),
)
