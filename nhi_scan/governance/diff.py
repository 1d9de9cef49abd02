"""Drift between two nhi-scan JSON reports: what identities, credentials, findings and paths changed.

Works on the JSON contract only (not on live objects), so reports from any earlier run, machine or CI artifact
can be compared. Findings are matched by fingerprint; identities and credentials by their provider ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nhi_scan.errors import UsageError
from nhi_scan.model import Category, CredentialKind, Severity

#: Credential kinds that are rotated (replaced by a new secret); passwords and federation are not keys.
ROTATED_KINDS = frozenset(
    {
        CredentialKind.ACCESS_KEY,
        CredentialKind.SERVICE_ACCOUNT_KEY,
        CredentialKind.CLIENT_SECRET,
        CredentialKind.CERTIFICATE,
        CredentialKind.SERVICE_SPECIFIC,
        CredentialKind.SSH_KEY,
    }
)
PATH_CATEGORIES = frozenset({Category.PRIVILEGE_ESCALATION, Category.LATERAL_MOVEMENT})

Doc = dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportDiff:
    old: str
    new: str
    identities_added: list[Doc] = field(default_factory=list)
    identities_removed: list[Doc] = field(default_factory=list)
    credentials_added: list[Doc] = field(default_factory=list)
    credentials_removed: list[Doc] = field(default_factory=list)
    keys_rotated: list[Doc] = field(default_factory=list)
    findings_new: list[Doc] = field(default_factory=list)
    findings_resolved: list[Doc] = field(default_factory=list)

    @property
    def paths_new(self) -> list[Doc]:
        """New findings that are escalation or lateral-movement paths."""
        return [f for f in self.findings_new if f.get("category") in PATH_CATEGORIES]

    def counted_new(self, at_least: Severity) -> list[Doc]:
        """New findings at or above ``at_least`` that the new report does not mark suppressed or baselined."""
        return [
            f
            for f in self.findings_new
            if Severity.parse(f["severity"]) >= at_least and not f.get("suppressed") and not f.get("baselined")
        ]

    def to_document(self) -> Doc:
        return {
            "kind": "nhi-scan-diff",
            "old": self.old,
            "new": self.new,
            "summary": {
                name: len(getattr(self, name))
                for name in (
                    "identities_added",
                    "identities_removed",
                    "credentials_added",
                    "credentials_removed",
                    "keys_rotated",
                    "findings_new",
                    "findings_resolved",
                )
            }
            | {"paths_new": len(self.paths_new)},
            "identities": {"added": self.identities_added, "removed": self.identities_removed},
            "credentials": {
                "added": self.credentials_added,
                "removed": self.credentials_removed,
                "rotated": self.keys_rotated,
            },
            "findings": {"new": self.findings_new, "resolved": self.findings_resolved},
            "paths_new": self.paths_new,
        }


def load_report(path: Path) -> Doc:
    """Read an nhi-scan JSON report; anything else is a one-line error naming the file."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    _validate(data, source)
    return data  # type: ignore[no-any-return]


def _validate(data: object, source: str) -> None:
    def fail(detail: str) -> UsageError:
        return UsageError(f"{source}: not an nhi-scan JSON report ({detail}); make one with `nhi-scan scan -f json`")

    if not isinstance(data, dict) or not isinstance(data.get("tool"), dict) or data["tool"].get("name") != "nhi-scan":
        raise fail("no tool.name 'nhi-scan'")
    if not str(data.get("schema_version", "")).startswith("1."):
        raise fail(f"schema_version {data.get('schema_version')!r} is not 1.x")
    for key in ("identities", "findings"):
        if not isinstance(data.get(key), list) or not all(isinstance(x, dict) and "id" in x for x in data[key]):
            raise fail(f"{key} must be a list of objects with an id")
    for index, finding in enumerate(data["findings"]):
        try:
            Severity.parse(str(finding.get("severity")))
        except ValueError:
            raise fail(f"findings[{index}].severity {finding.get('severity')!r} is unknown") from None


def _by_id(items: list[Doc]) -> dict[str, Doc]:
    return {str(item["id"]): item for item in items}


def _credentials(identity: Doc) -> dict[str, Doc]:
    return {str(c["id"]): c for c in identity.get("credentials") or [] if isinstance(c, dict) and "id" in c}


def _owned(identity: Doc, credential: Doc) -> Doc:
    return {"identity": identity["id"], "identity_name": identity.get("name"), **credential}


def _rotation(identity: Doc, old: Doc, new: Doc) -> Doc:
    return {
        "identity": identity["id"],
        "identity_name": identity.get("name"),
        "kind": new.get("kind"),
        "old_id": old["id"],
        "new_id": new["id"],
        "old_last_rotated": old.get("last_rotated") or old.get("created"),
        "new_last_rotated": new.get("last_rotated") or new.get("created"),
    }


def _credential_changes(old_identity: Doc, new_identity: Doc) -> Iterator[tuple[str, Doc]]:
    """("added" | "removed" | "rotated", doc): a removed key replaced by an added key of the same kind is rotated."""
    before, after = _credentials(old_identity), _credentials(new_identity)
    for cred_id in sorted(before.keys() & after.keys()):
        old, new = before[cred_id], after[cred_id]
        if old.get("kind") in ROTATED_KINDS and old.get("last_rotated") != new.get("last_rotated"):
            yield "rotated", _rotation(new_identity, old, new)
    removed = [before[k] for k in sorted(before.keys() - after.keys())]
    added = [after[k] for k in sorted(after.keys() - before.keys())]
    for credential in list(removed):
        replacement = next((a for a in added if a.get("kind") == credential.get("kind")), None)
        if replacement is not None and credential.get("kind") in ROTATED_KINDS:
            removed.remove(credential)
            added.remove(replacement)
            yield "rotated", _rotation(new_identity, credential, replacement)
    yield from (("removed", _owned(old_identity, c)) for c in removed)
    yield from (("added", _owned(new_identity, c)) for c in added)


def diff_reports(old: Mapping[str, Any], new: Mapping[str, Any], *, old_name: str, new_name: str) -> ReportDiff:
    result = ReportDiff(old=old_name, new=new_name)
    before, after = _by_id(old["identities"]), _by_id(new["identities"])
    result.identities_added.extend(after[k] for k in sorted(after.keys() - before.keys()))
    result.identities_removed.extend(before[k] for k in sorted(before.keys() - after.keys()))
    for identity in result.identities_added:
        result.credentials_added.extend(_owned(identity, c) for c in _credentials(identity).values())
    for identity in result.identities_removed:
        result.credentials_removed.extend(_owned(identity, c) for c in _credentials(identity).values())
    buckets = {
        "added": result.credentials_added,
        "removed": result.credentials_removed,
        "rotated": result.keys_rotated,
    }
    for identity_id in sorted(before.keys() & after.keys()):
        for change, doc in _credential_changes(before[identity_id], after[identity_id]):
            buckets[change].append(doc)
    old_findings, new_findings = _by_id(old["findings"]), _by_id(new["findings"])
    result.findings_new.extend(f for k, f in new_findings.items() if k not in old_findings)
    result.findings_resolved.extend(f for k, f in old_findings.items() if k not in new_findings)
    return result
