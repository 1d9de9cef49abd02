"""Policy documents parsed once into compiled statements that remember where they came from.

Parsing rules: ``Statement`` may be one object or an array; ``Action``/``NotAction`` and ``Resource``/
``NotResource`` may be a string or a list of strings (exactly one of each pair). A statement that cannot be
understood (Effect missing or not exactly "Allow"/"Deny", non-string actions or resources, both or neither of a
pair) is skipped and a note is kept on the compiled policy: AWS would have refused such a document, and crashing
a scan over it helps nobody. A statement of an SCP without Resource/NotResource is read as ``Resource: "*"``.
Policy variables are substituted only under ``"Version": "2012-10-17"`` (earlier versions treat them as text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from nhi_scan.model import PolicyKind
from nhi_scan.policy.aws import catalog
from nhi_scan.policy.aws.actionset import ActionSet
from nhi_scan.policy.aws.conditions import CompiledCondition, compile_conditions, evaluate_conditions
from nhi_scan.policy.aws.context import RequestContext, has_variables, substitute
from nhi_scan.policy.aws.patterns import Kind, Segments, compile_alternation, compile_segments, has_wildcard
from nhi_scan.policy.aws.tri import Tri
from nhi_scan.redact import redact_name

VARIABLES_VERSION = "2012-10-17"

_KIND_LABELS = {
    PolicyKind.INLINE: "inline policy",
    PolicyKind.MANAGED: "managed policy",
    PolicyKind.BOUNDARY: "permissions boundary",
    PolicyKind.SCP: "SCP",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicySource:
    """Where a compiled policy comes from, so results can name it."""

    policy_id: str
    policy_name: str
    kind: PolicyKind
    #: Group id when the policy reaches the principal through a group.
    via: str | None = None
    #: For SCPs: the root / OU / account the policy is attached to (its level).
    scope: str | None = None

    def describe(self) -> str:
        """E.g. "inline policy ci-admin" or "managed policy ReadOnly via group arn:...:group/devs"."""
        # a name is the export's text: a secret key pasted into it is not quoted on
        text = f"{_KIND_LABELS.get(self.kind, str(self.kind))} {redact_name(self.policy_name)}"
        return f"{text} via group {self.via}" if self.via else text


def _matches_star(pattern: str) -> bool:
    """Whether an IAM glob matches the one-character string "*": only ``*`` and at most one ``?``."""
    return bool(pattern) and set(pattern) <= {"*", "?"} and pattern.count("?") <= 1


class CompiledStatement:
    """One statement, with its patterns compiled and per-action answers memoised (statements are shared)."""

    __slots__ = (
        "_action_memo",
        "_action_regex",
        "_candidate_memo",
        "_cover",
        "_literals",
        "_resource_all",
        "_resource_regex",
        "_static_resources",
        "actions",
        "allow",
        "conditions",
        "index",
        "not_action",
        "not_resource",
        "resources",
        "sid",
    )

    def __init__(
        self,
        *,
        index: int,
        sid: str | None,
        allow: bool,
        actions: tuple[str, ...],
        not_action: bool,
        resources: tuple[str, ...],
        not_resource: bool,
        conditions: tuple[CompiledCondition, ...],
        variables: bool,
    ) -> None:
        self.index = index
        self.sid = sid
        self.allow = allow
        self.actions = tuple(a.lower() for a in actions)
        self.not_action = not_action
        self.resources = resources
        self.not_resource = not_resource
        self.conditions = conditions
        self._literals = frozenset(a for a in self.actions if not has_wildcard(a))
        wild = tuple(((a, False),) for a in self.actions if has_wildcard(a))
        self._action_regex = compile_alternation(wild, Kind.ACTION) if wild else None
        self._static_resources = not (variables and any(has_variables(r) for r in resources))
        self._resource_all = any(bool(r) and set(r) == {"*"} for r in resources)
        # Compiled on first use: most statements are only ever asked about actions.
        self._resource_regex: re.Pattern[str] | None = None
        self._action_memo: dict[str, bool] = {}
        self._candidate_memo: dict[frozenset[str], frozenset[str]] = {}
        self._cover: ActionSet | None = None

    def _resources_pattern(self) -> re.Pattern[str]:
        if self._resource_regex is None:
            self._resource_regex = compile_alternation(tuple(((r, False),) for r in self.resources), Kind.ARN)
        return self._resource_regex

    @property
    def effect(self) -> str:
        return "Allow" if self.allow else "Deny"

    @property
    def context_free(self) -> bool:
        """No condition and no variable: the outcome depends only on action and resource."""
        return not self.conditions and self._static_resources

    @property
    def covers_all_resources(self) -> bool:
        """``Resource`` includes ``*``: the statement applies to every resource of its actions."""
        return not self.not_resource and self._resource_all

    def matches_action(self, action: str) -> bool:
        """Whether the statement applies to a lowercase action (``NotAction`` inverts the list)."""
        hit = self._action_memo.get(action)
        if hit is None:
            hit = action in self._literals or (
                self._action_regex is not None and self._action_regex.fullmatch(action) is not None
            )
            hit = hit != self.not_action
            self._action_memo[action] = hit
        return hit

    def matched_candidates(self, candidates: frozenset[str]) -> frozenset[str]:
        """The lowercase candidate actions this statement applies to (memoised per candidate set)."""
        hit = self._candidate_memo.get(candidates)
        if hit is None:
            # Not through matches_action: its per-action memo would hold every candidate for every statement.
            regex, literals = self._action_regex, self._literals
            if regex is None:
                inside = candidates & literals
            else:
                inside = frozenset(a for a in candidates if a in literals or regex.fullmatch(a) is not None)
            hit = candidates - inside if self.not_action else inside
            self._candidate_memo[candidates] = hit
        return hit

    def catalogue_cover(self) -> ActionSet:
        """The catalogue actions this statement applies to, kept symbolic for ``NotAction``."""
        if self._cover is None:
            every = catalog.all_actions()
            expanded = catalog.expand_all(self.actions) & every
            if len(expanded) * 2 > len(every):  # keep the small side: "*" is "everything except nothing"
                self._cover = ActionSet(every - expanded, complement=not self.not_action)
            else:
                self._cover = ActionSet(expanded, complement=self.not_action)
        return self._cover

    def conditions_result(self, context: RequestContext) -> tuple[Tri, tuple[str, ...]]:
        if not self.conditions:
            return Tri.TRUE, ()
        return evaluate_conditions(self.conditions, context)

    def resource_patterns(self, context: RequestContext) -> list[tuple[Segments, Tri]]:
        """Resource (or NotResource) patterns with variables substituted; absent-variable patterns dropped."""
        out: list[tuple[Segments, Tri]] = []
        for raw in self.resources:
            if self._static_resources:
                out.append((((raw, False),), Tri.TRUE))
                continue
            substituted = substitute(raw, context)
            if substituted is not None:
                out.append(substituted)
        return out

    def resource_match(self, arn: str, context: RequestContext) -> Tri:
        """Whether the statement applies to a resource (``NotResource`` inverts the list)."""
        if self._static_resources and arn == "*":
            # Only a pattern made of wildcards matches the literal "*" (no regex needed for the common question).
            hit = Tri.of(self._resource_all or any(_matches_star(r) for r in self.resources))
        elif self._static_resources:
            hit = Tri.of(self._resource_all or self._resources_pattern().fullmatch(arn) is not None)
        else:
            hit = Tri.FALSE
            for segments, certainty in self.resource_patterns(context):
                if compile_segments(segments, Kind.ARN).fullmatch(arn) is not None:
                    hit = max(hit, certainty)
                    if hit is Tri.TRUE:
                        break
        return hit.negate() if self.not_resource else hit

    def resource_possible(self, context: RequestContext) -> Tri:
        """Whether the statement can apply to at least one resource at all."""
        if self.not_resource:
            return Tri.FALSE if self._resource_all else Tri.TRUE
        return Tri.any(certainty for _, certainty in self.resource_patterns(context))


@dataclass(frozen=True, slots=True)
class CompiledDocument:
    """A document's statements and notes, shared by every policy with the same content."""

    statements: tuple[CompiledStatement, ...]
    notes: tuple[str, ...]
    version: str | None


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A compiled document plus its source (one per policy id / attachment)."""

    source: PolicySource
    document: CompiledDocument

    @property
    def statements(self) -> tuple[CompiledStatement, ...]:
        return self.document.statements

    @property
    def notes(self) -> tuple[str, ...]:
        return self.document.notes


def load_document(document: object) -> Mapping[str, Any] | None:
    """Accept a mapping, a JSON string or a URL-encoded JSON string (raw IAM API form)."""
    if isinstance(document, Mapping):
        return document
    if isinstance(document, str):
        text = document.strip()
        if text.startswith(("%7B", "%7b")):
            text = unquote(text)
        try:
            loaded = json.loads(text)
        except ValueError:
            return None
        return loaded if isinstance(loaded, Mapping) else None
    return None


def _strings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _pair(raw: Mapping[str, Any], name: str, notes: list[str], where: str) -> tuple[tuple[str, ...], bool] | None:
    positive, negative = raw.get(name), raw.get(f"Not{name}")
    if (positive is None) == (negative is None):
        notes.append(f"{where}: needs exactly one of {name} / Not{name}: skipped")
        return None
    values = _strings(positive if positive is not None else negative)
    if values is None:
        notes.append(f"{where}: {name} values are not strings: skipped")
        return None
    return values, negative is not None


def _statement(raw: object, index: int, notes: list[str], *, variables: bool, scp: bool) -> CompiledStatement | None:
    where = f"statement {index}"
    if not isinstance(raw, Mapping):
        notes.append(f"{where}: not an object: skipped")
        return None
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        notes.append(f"{where}: Effect {effect!r} is not Allow/Deny: skipped")
        return None
    actions = _pair(raw, "Action", notes, where)
    if scp and raw.get("Resource") is None and raw.get("NotResource") is None:
        raw = {**raw, "Resource": "*"}
    resources = _pair(raw, "Resource", notes, where)
    if actions is None or resources is None:
        return None
    if "Principal" in raw or "NotPrincipal" in raw:
        notes.append(f"{where}: Principal is ignored in an identity policy")
    sid = raw.get("Sid")
    return CompiledStatement(
        index=index,
        sid=sid if isinstance(sid, str) else None,
        allow=effect == "Allow",
        actions=actions[0],
        not_action=actions[1],
        resources=resources[0],
        not_resource=resources[1],
        conditions=compile_conditions(raw.get("Condition"), notes, variables=variables),
        variables=variables,
    )


def compile_document(document: object, *, scp: bool = False) -> CompiledDocument:
    """Compile a policy document (never raises: problems become notes)."""
    notes: list[str] = []
    loaded = load_document(document)
    if loaded is None:
        return CompiledDocument((), ("document is not a JSON object: ignored",), None)
    version = loaded.get("Version")
    version = version if isinstance(version, str) else None
    raw = loaded.get("Statement")
    items = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else None
    if items is None:
        return CompiledDocument((), ("document has no Statement: ignored",), version)
    variables = version == VARIABLES_VERSION
    statements = [_statement(s, i, notes, variables=variables, scp=scp) for i, s in enumerate(items)]
    return CompiledDocument(tuple(s for s in statements if s is not None), tuple(notes), version)


def compile_policy(document: object, source: PolicySource) -> CompiledPolicy:
    """Compile without caching (tests, one-off use); prefer ``PolicyCache`` for estates."""
    return CompiledPolicy(source, compile_document(document, scp=source.kind is PolicyKind.SCP))


_SPACE = re.compile(r"\s+")


def document_key(document: object) -> str:
    """Canonical text of a document, so equal documents share one compilation."""
    if isinstance(document, str):
        return _SPACE.sub("", document)
    return json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
