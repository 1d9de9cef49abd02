"""The identity graph as flat node and edge records that any graph format can write.

Values are primitives or lists of primitives, keys lowercase; unknown values are left out (never a placeholder),
so graph databases can tell "no owner" from "owner unknown" the way the JSON report does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nhi_scan.graph import IdentityGraph, NodeKind
from nhi_scan.model import Credential, Finding, Identity, Provider, Workload
from nhi_scan.providers import display_name
from nhi_scan.redact import redact_name, redact_text
from nhi_scan.timeutil import iso

Primitive = str | int | float | bool
Value = Primitive | list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeRecord:
    id: str
    #: 1-3 kinds, most general first: "NHIIdentity", then the provider-specific one ("NHIAWSRole").
    kinds: tuple[str, ...]
    properties: dict[str, Value]


@dataclass(frozen=True, slots=True, kw_only=True)
class EdgeRecord:
    source: str
    target: str
    #: The graph's edge kind (``CAN_ASSUME``); formats rename it as their tools expect.
    kind: str
    properties: dict[str, Value]


def _kind_prefix(provider: Provider) -> str:
    """The cloud's part of a node kind: ``AWS`` in ``NHIAWSRole`` (its display name, letters and digits only)."""
    return re.sub(r"[^A-Za-z0-9]+", "", display_name(provider))


def pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:].lower() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def edge_kind_name(kind: str) -> str:
    """``CAN_ASSUME`` -> ``NHICanAssume``: prefixed so it never collides with another collector's kinds."""
    return "NHI" + pascal(kind)


def clean(values: Mapping[str, Any]) -> dict[str, Value]:
    """Lowercase keys; drop None and empty lists; datetimes as ISO text; nested values as JSON text; anything
    shaped like a credential redacted."""
    cleaned: dict[str, Value] = {}
    for key, value in values.items():
        name = re.sub(r"[^a-z0-9_]+", "_", key.lower()).strip("_")
        if value is None or value == [] or value == ():
            continue
        if isinstance(value, datetime):
            cleaned[name] = iso(value) or ""
        elif isinstance(value, str):
            cleaned[name] = redact_name(value)  # a token (or bare secret key) kept in a tag or name is not exported
        elif isinstance(value, int | float | bool):
            cleaned[name] = value
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            cleaned[name] = [redact_name(str(v)) for v in value]
        else:
            cleaned[name] = redact_text(json.dumps(value, sort_keys=True, default=str))
    return cleaned


def _finding_properties(findings: Sequence[Finding]) -> dict[str, Any]:
    if not findings:
        return {"findings": 0}
    return {
        "findings": len(findings),
        "max_severity": max(f.severity for f in findings).label,
        "finding_checks": sorted({f.check_id for f in findings}),
    }


def _identity(identity: Identity, findings: Sequence[Finding]) -> NodeRecord:
    kinds = ["NHIIdentity", f"NHI{_kind_prefix(identity.provider)}{pascal(identity.kind)}"]
    if identity.agent_reason:
        kinds.append("NHIAgentIdentity")
    properties = {
        "objectid": identity.id,
        "name": identity.name,
        "displayname": identity.name,
        "provider": str(identity.provider),
        "kind": str(identity.kind),
        "scope": redact_name(identity.scope),
        "machine": identity.machine,
        "machine_reason": identity.machine_reason,
        "owner": redact_text(identity.owner, loose=True) if identity.owner else None,
        "created": identity.created,
        "last_used": identity.last_used,
        "provider_managed": identity.provider_managed,
        "mfa_active": identity.mfa_active,
        "path": identity.path,
        "agent_reason": identity.agent_reason,
        "groups": list(identity.groups),
        "tags": [f"{k}={redact_text(v, loose=True)}" for k, v in sorted(identity.tags.items())],
        "sources": list(identity.sources),
        **_finding_properties(findings),
    }
    return NodeRecord(id=identity.id, kinds=tuple(kinds), properties=clean(properties))


def _credential(credential: Credential, owner: Identity, findings: Sequence[Finding]) -> NodeRecord:
    kinds = ("NHICredential", f"NHI{_kind_prefix(owner.provider)}{pascal(credential.kind)}")
    properties = {
        "objectid": credential.id,
        "name": credential.id,
        "displayname": f"{credential.label or credential.kind} of {owner.name}",
        "provider": str(owner.provider),
        "kind": str(credential.kind),
        "identity": credential.identity_id,
        "active": credential.active,
        "created": credential.created,
        "last_rotated": credential.last_rotated,
        "last_used": credential.last_used,
        "last_used_service": credential.last_used_service,
        "never_used": credential.never_used,
        "expires": credential.expires,
        **_finding_properties(findings),
    }
    return NodeRecord(id=credential.id, kinds=kinds, properties=clean(properties))


def _workload(workload: Workload) -> NodeRecord:
    kinds = ("NHIWorkload", f"NHI{_kind_prefix(workload.provider)}{pascal(workload.kind)}")
    properties = {
        "objectid": workload.id,
        "name": workload.name,
        "displayname": workload.name,
        "provider": str(workload.provider),
        "kind": workload.kind,
        "scope": redact_name(workload.scope),
        "identity": workload.identity_id,
        **{f"attr_{k}": v for k, v in workload.attributes.items()},
    }
    return NodeRecord(id=workload.id, kinds=kinds, properties=clean(properties))


def _other(node_id: str, kind: NodeKind | None, label: str) -> NodeRecord:
    names = {NodeKind.HUB: "NHIHub", NodeKind.TARGET: "NHITarget", NodeKind.ISSUER: "NHIIssuer"}
    name = names.get(kind or NodeKind.TARGET, "NHITarget")
    properties = {"objectid": node_id, "name": label, "displayname": label, "node_kind": str(kind or "target")}
    return NodeRecord(id=node_id, kinds=(name,), properties=clean(properties))


def node_records(graph: IdentityGraph, findings: Sequence[Finding] = ()) -> Iterator[NodeRecord]:
    """Every node, with counted findings summarised on the identity or credential they are about."""
    by_subject: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.counted:
            by_subject.setdefault(finding.subject, []).append(finding)
            if finding.identity and finding.identity != finding.subject:
                by_subject.setdefault(finding.identity, []).append(finding)
    credentials = {c.id: (c, i) for i in graph.identities() for c in i.credentials}
    workloads = {w.id: w for w in graph.workloads()}
    for node_id in sorted(graph.nx.nodes):
        identity = graph.identity(node_id)
        if identity is not None:
            yield _identity(identity, by_subject.get(node_id, []))
        elif node_id in credentials:
            credential, owner = credentials[node_id]
            yield _credential(credential, owner, by_subject.get(node_id, []))
        elif node_id in workloads:
            yield _workload(workloads[node_id])
        else:
            yield _other(node_id, graph.node_kind(node_id), graph.label(node_id))


def edge_records(graph: IdentityGraph) -> Iterator[EdgeRecord]:
    edges = sorted(graph.edges(), key=lambda e: (e.source, e.target, str(e.kind), e.method or ""))
    for edge in edges:
        properties = {
            "reason": edge.reason,
            "method": edge.method,
            "conditional": edge.conditional,
            "traversable": getattr(edge, "traversable", True),
        }
        yield EdgeRecord(source=edge.source, target=edge.target, kind=str(edge.kind), properties=clean(properties))
