"""`gcloud asset export --content-type=resource|iam-policy` output: newline-delimited JSON, one asset per line.

Exports of large organisations are gigabytes: read line by line (bounded memory). A broken line is named by its
line number and the rest of the file is still read; the scan says it is incomplete."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from nhi_scan.connectors import json_text
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.cai import has_content, records_of
from nhi_scan.connectors.gcp.records import Record, Records
from nhi_scan.errors import InputError

#: Broken lines named one by one before the rest are only counted.
_NAMED_ERRORS = 5


def sniff_head(head: str) -> bool:
    """Judged by the first line that parses (a broken first line must not hide the export), and only when the text
    has more than one line (a single object is a JSON document)."""
    lines = [line for line in head.splitlines() if line.strip()]
    if len(lines) < 2 and not head.rstrip("\r\n ").count("\n"):
        return False
    for line in lines[:20]:
        if not line.lstrip().startswith("{"):
            return False
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        return (
            isinstance(value, dict)
            and str(value.get("name", "")).startswith("//")
            and ("asset_type" in value or "assetType" in value)
        )
    return False


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("r", encoding="utf-8-sig", errors="strict") as handle:
        yield from enumerate(handle, start=1)


def load_path(source: str, path: Path) -> Records:
    found: list[Record] = []
    notes: list[str] = []
    broken = 0
    first_broken = 0
    content = 0
    bare: list[int] = []
    ignored = 0
    lines = 0
    try:
        for number, line in _lines(path):
            if not line.strip():
                continue
            lines += 1
            try:
                value = json_text.decode(source, line, where=f"line {number}", line=number)
                records, known = records_of(Fields(value, source, f"line {number}"))
                if isinstance(value, dict) and has_content(value):
                    content += 1
                elif isinstance(value, dict):
                    bare.append(number)
            except (json.JSONDecodeError, InputError) as exc:
                broken += 1
                first_broken = first_broken or number
                if broken <= _NAMED_ERRORS:
                    detail = exc.msg if isinstance(exc, json.JSONDecodeError) else exc.one_line()
                    notes.append(f"{source}:{number}: unreadable asset skipped ({detail[:160]})")
                continue
            found.extend(records)
            ignored += not known
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not UTF-8 text (byte {exc.start})") from None
    if not lines:
        # Like an empty file: an export holds at least its organisation, so only blank lines is a broken export,
        # not an estate without identities.
        raise InputError(source, "no assets: the file holds only blank lines")
    if content and bare:
        # An export holds the content it was asked for on every line (a names-only export on none): a line with
        # only its name and type among lines with content lost it, and its policy with it.
        for number in bare[:_NAMED_ERRORS]:
            notes.append(f"{source}:{number}: asset without its content (no resource, no IAM policy) skipped")
        broken += len(bare)
        first_broken = min(first_broken or bare[0], bare[0])
    if broken > _NAMED_ERRORS:
        notes.append(f"{source}: {broken - _NAMED_ERRORS} more unreadable assets skipped")
    incomplete = f"{broken} unreadable line(s) skipped, the first at {source}:{first_broken}" if broken else None
    return Records(tuple(found), tuple(notes), incomplete)


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
