"""What a check is, and the context it reads. Checks are pure: no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from nhi_scan.model import Category, Finding, Identity, Inventory, PathHop, Provider, Severity
from nhi_scan.providers import remediation as provider_remediation
from nhi_scan.redact import aws_keys_in
from nhi_scan.settings import Settings

if TYPE_CHECKING:
    from nhi_scan.graph import IdentityGraph
    from nhi_scan.plugin import ProviderAnalysis


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckContext:
    #: What the check may judge: only the subjects of the clouds it declares (everything for a neutral check).
    inventory: Inventory
    #: The whole graph (paths may cross clouds).
    graph: IdentityGraph
    settings: Settings
    now: datetime
    #: Each scanned provider's analysis (effective permissions, admin-equivalence), by provider id.
    analyses: Mapping[Provider, ProviderAnalysis] = field(default_factory=dict)


RunFn = Callable[[CheckContext], Iterable[Finding]]


def fingerprint(check_id: str, subject: str, key: str = "") -> str:
    """Stable finding id: survives re-scans because it never includes times or positions."""
    digest = hashlib.sha256(f"{check_id}\x1f{subject}\x1f{key}".encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:20]


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    id: str
    title: str
    severity: Severity
    category: Category
    owasp_nhi: tuple[str, ...]
    description: str
    remediation: str
    run: RunFn
    #: The clouds whose subjects the check judges (it sees nothing else); empty: a neutral check, for every cloud.
    providers: tuple[Provider, ...] = ()
    #: Judges only what its provider knows before the escalation edges exist (effective permissions, the
    #: inventory): it may run then, in a worker process, while they are built. Its findings are then kept for the
    #: identities ``keep`` gives on the complete graph, which makes the result the same as a run at the end.
    early: bool = False
    keep: Callable[[CheckContext], frozenset[str]] | None = None

    @property
    def neutral(self) -> bool:
        """A check for every cloud (it reads only the shared model and graph)."""
        return not self.providers

    def covers(self) -> tuple[Provider, ...]:
        """The clouds the check judges: its own, or every registered provider for a neutral check."""
        if self.providers:
            return self.providers
        from nhi_scan.providers import all_providers

        return tuple(plugin.id for plugin in all_providers())

    def finding(
        self,
        *,
        subject: str,
        identity: Identity | None,
        message: str,
        evidence: Mapping[str, Any] | None = None,
        remediation: str | None = None,
        severity: Severity | None = None,
        path: tuple[PathHop, ...] = (),
        fingerprint_key: str = "",
        provider: Provider | None = None,
    ) -> Finding:
        """Build a finding of this check; provider defaults to the identity's, remediation to that provider's advice
        for this check (then to the check's own)."""
        chosen_provider = provider or (identity.provider if identity else None)
        if chosen_provider is None:
            raise ValueError(f"{self.id}: a finding about {subject!r} needs an identity or a provider")
        # ids and evidence values are each one field's whole value: a bare AWS secret key there (pasted into a name,
        # a project id, a Sid) is recognised, and not repeated anywhere in the finding's text (each value searched
        # once: aws_keys_in is cached, and the same ids recur in thousands of findings)
        values = [subject, identity.scope if identity is not None else ""]
        values += [hop.source for hop in path] + [hop.target for hop in path]
        if evidence:
            _long_strings_of(evidence, values)
        keys = {key for value in values if len(value) >= 40 for key in aws_keys_in(value)}
        if keys:
            subject, message = _without(subject, keys), _without(message, keys)
            evidence = redact_value_of(evidence, keys)
            path = tuple(
                PathHop(
                    source=_without(h.source, keys),
                    target=_without(h.target, keys),
                    edge=h.edge,
                    reason=_without(h.reason, keys),
                )
                for h in path
            )
        return Finding(
            id=fingerprint(self.id, subject, fingerprint_key),
            check_id=self.id,
            title=self.title,
            severity=severity if severity is not None else self.severity,
            category=self.category,
            provider=chosen_provider,
            subject=subject,
            identity=identity.id if identity else None,
            message=message,
            remediation=remediation or provider_remediation(chosen_provider, self.id) or self.remediation,
            owasp_nhi=self.owasp_nhi,
            evidence=dict(evidence or {}),
            path=path,
        )


def _long_strings_of(value: object, found: list[str]) -> None:
    """Every string of an evidence value long enough to hold an AWS secret key, appended to ``found``. (Leaves are
    tested in the loop and ``dict`` before the abstract ``Mapping``: 40,000 findings hold half a million values.)"""
    items: Iterable[object]
    if isinstance(value, str):
        items = (value,)
    elif isinstance(value, dict | list | tuple):
        items = value.values() if isinstance(value, dict) else value
    elif isinstance(value, Mapping):
        items = value.values()
    else:
        return
    for item in items:
        if isinstance(item, str):
            if len(item) >= 40:
                found.append(item)
        elif not isinstance(item, int | float | bool) and item is not None:
            _long_strings_of(item, found)


def _without(text: str, keys: set[str]) -> str:
    for key in keys:
        text = text.replace(key, "[redacted]")
    return text


def redact_value_of(value: Any, keys: set[str]) -> Any:
    """``value`` with each of ``keys`` replaced in its strings."""
    if isinstance(value, str):
        return _without(value, keys)
    if isinstance(value, Mapping):
        return {k: redact_value_of(v, keys) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value_of(v, keys) for v in value]
    return value
