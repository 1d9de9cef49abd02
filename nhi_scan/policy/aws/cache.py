"""One cache per scan: compile each distinct policy document once, however many principals share it.

Three levels: documents by object identity (pinned, so the id stays valid) then by canonical content; compiled
policies by (source, document); policy sets (a principal's layers) interned so principals with exactly the same
policies share per-action memos. Documents must not be mutated after they were compiled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nhi_scan.model import Grant, PolicyKind, Trust
from nhi_scan.policy.aws.compiled import (
    CompiledDocument,
    CompiledPolicy,
    PolicySource,
    compile_document,
    document_key,
)
from nhi_scan.policy.aws.conditions import CompiledCondition, compile_conditions
from nhi_scan.policy.aws.evaluate import Layer, PolicySet

_SetKey = tuple[tuple[str, str, tuple[int, ...]], ...]


class PolicyCache:
    """Compiled documents, policies, policy sets and trust conditions for one scan (not thread-safe)."""

    def __init__(self) -> None:
        self._documents: dict[tuple[str, bool], CompiledDocument] = {}
        self._by_identity: dict[tuple[int, bool], tuple[object, CompiledDocument]] = {}
        self._policies: dict[tuple[PolicySource, int], CompiledPolicy] = {}
        self._grants: dict[tuple[str, str, str, str | None, str | None, int], CompiledPolicy] = {}
        self._sets: dict[_SetKey, PolicySet] = {}
        self._trust: dict[int, tuple[Trust, tuple[CompiledCondition, ...], tuple[str, ...]]] = {}

    def document(self, document: object, *, scp: bool = False) -> CompiledDocument:
        """The compilation of a document, shared by identity and then by content."""
        pinned = self._by_identity.get((id(document), scp))
        if pinned is not None and pinned[0] is document:
            return pinned[1]
        key = (document_key(document), scp)
        compiled = self._documents.get(key)
        if compiled is None:
            compiled = compile_document(document, scp=scp)
            self._documents[key] = compiled
        self._by_identity[(id(document), scp)] = (document, compiled)
        return compiled

    def policy(self, document: Mapping[str, Any] | str, source: PolicySource) -> CompiledPolicy:
        compiled = self.document(document, scp=source.kind is PolicyKind.SCP)
        key = (source, id(compiled))
        policy = self._policies.get(key)
        if policy is None:
            policy = CompiledPolicy(source, compiled)
            self._policies[key] = policy
        return policy

    def grant(self, grant: Grant) -> CompiledPolicy:
        """Compile a model ``Grant`` (its SCP level, if any, is ``resource_scope`` or else ``via``)."""
        key = (
            grant.policy_id,
            grant.policy_name,
            grant.policy_kind.value,
            grant.via,
            grant.resource_scope,
            id(grant.document),
        )
        found = self._grants.get(key)
        if found is not None:  # the document is pinned by ``document``, so its id cannot have been reused
            return found
        source = PolicySource(
            policy_id=grant.policy_id,
            policy_name=grant.policy_name,
            kind=grant.policy_kind,
            via=grant.via if grant.policy_kind is not PolicyKind.SCP else None,
            scope=(grant.resource_scope or grant.via) if grant.policy_kind is PolicyKind.SCP else None,
        )
        policy = self.policy(grant.document, source)
        self._grants[key] = policy
        return policy

    def policy_set(self, layers: tuple[Layer, ...]) -> PolicySet:
        """The shared PolicySet for these layers (same compiled policies -> same object)."""
        key: _SetKey = tuple((layer.kind.value, layer.label, tuple(id(p) for p in layer.policies)) for layer in layers)
        found = self._sets.get(key)
        if found is None:
            found = PolicySet(layers)
            self._sets[key] = found
        return found

    def trust_conditions(self, trust: Trust) -> tuple[tuple[CompiledCondition, ...], tuple[str, ...]]:
        """Compiled Condition block of a trust statement, and the notes it produced."""
        found = self._trust.get(id(trust))
        if found is not None and found[0] is trust:
            return found[1], found[2]
        notes: list[str] = []
        compiled = compile_conditions(trust.conditions or None, notes)
        self._trust[id(trust)] = (trust, compiled, tuple(notes))
        return compiled, tuple(notes)

    def stats(self) -> dict[str, int]:
        """Sizes, for benchmarks and debugging."""
        return {
            "documents": len(self._documents),
            "policies": len(self._policies),
            "policy_sets": len(self._sets),
        }
