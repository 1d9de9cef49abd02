"""External entry points: who outside the scanned estate can hold a token a federated trust admits, in the words
of what an attacker must control ("a workflow of repository org/app on branch main"). Issuers are data
(``issuers.toml``, one entry each); an issuer not listed is described by its claim tests."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from nhi_scan.model import ClaimMatch, ClaimTest


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    label: str
    #: The claim the rule reads (None: the family's ``claim`` or one of ``also``).
    claim: str | None = None


@dataclass(frozen=True, slots=True)
class IssuerFamily:
    id: str
    name: str
    hosts: tuple[re.Pattern[str], ...]
    claim: str
    #: Other claims that name the holder as well as ``claim`` does (Google's ``azp``, Entra's ``oid``).
    also: tuple[str, ...]
    public: bool
    anyone: str
    subjects: tuple[_Rule, ...]
    #: People sign in through it (a SAML identity provider): an entry for humans, not for workloads.
    human: bool = False


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """Who may enter: ``broad`` when the trust does not narrow the issuer's token holders at all."""

    label: str
    family: str
    broad: bool
    human: bool = False


@cache
def families() -> tuple[IssuerFamily, ...]:
    text = resources.files("nhi_scan.federation").joinpath("issuers.toml").read_text(encoding="utf-8")
    found = []
    for raw in tomllib.loads(text)["issuer"]:
        found.append(
            IssuerFamily(
                id=raw["id"],
                name=raw["name"],
                hosts=tuple(re.compile(h) for h in raw["hosts"]),
                claim=raw["claim"],
                also=tuple(raw.get("also", ())),
                public=bool(raw.get("public", False)),
                anyone=raw["anyone"],
                subjects=tuple(
                    _Rule(re.compile(r["pattern"]), r["label"], r.get("claim")) for r in raw.get("subjects", ())
                ),
                human=bool(raw.get("human", False)),
            )
        )
    return tuple(found)


@cache
def family_of(issuer: str) -> tuple[IssuerFamily, Mapping[str, str]] | None:
    """The issuer's family and the groups its host pattern names (cached: a few issuers, asked for per trust)."""
    for family in families():
        for host in family.hosts:
            match = host.match(issuer)
            if match:
                return family, {k: v for k, v in match.groupdict().items() if v is not None}
    return None


def is_public(issuer: str) -> bool:
    """Anybody on the internet can obtain tokens from it (GitHub Actions, Google, GitLab.com...)."""
    known = family_of(issuer)
    return known is not None and known[0].public


def describe(issuer: str, tests: Sequence[ClaimTest]) -> EntryPoint | None:
    """What an outsider must control to hold a token of ``issuer`` that passes ``tests`` (None: nobody can)."""
    narrowing = [t for t in tests if t.claim != "aud" and not t.negated]
    known = family_of(issuer)
    if known is None:
        if not narrowing:
            return EntryPoint(f"any holder of a token from {issuer}", "other", True)
        shown = " and ".join(t.describe() for t in narrowing)
        return EntryPoint(f"a holder of a token from {issuer} whose {shown}", "other", False)
    family, groups = known
    if not narrowing:
        return EntryPoint(family.anyone.format_map(_Fill(groups)), family.id, True, family.human)
    names = (family.claim, *family.also)
    if any(t.match is ClaimMatch.EQUALS and t.claim in names and all(_wild(v) for v in t.values) for t in narrowing):
        return None  # compared exactly with a pattern: the issuer never puts "*" in a subject, nothing matches
    for rule in family.subjects:
        for test in narrowing:
            if test.claim != (rule.claim or family.claim) and not (rule.claim is None and test.claim in family.also):
                continue
            labels = [
                _fill(rule, groups, value if test.match is not ClaimMatch.PREFIX else value + "*")
                for value in test.values
            ]
            if all(label is not None for label in labels):
                text = " or ".join(dict.fromkeys(label for label in labels if label))
                return EntryPoint(text, family.id, text == family.anyone.format_map(_Fill(groups)), family.human)
    text = " and ".join(t.describe() for t in narrowing)
    return EntryPoint(f"a {family.name} token whose {text}", family.id, False, family.human)


def _wild(value: str) -> bool:
    return "*" in value or "?" in value


def _fill(rule: _Rule, groups: Mapping[str, str], value: str) -> str | None:
    match = rule.pattern.match(value)
    if match is None:
        return None
    fill = {**groups, **{k: v for k, v in match.groupdict().items() if v is not None}}
    return rule.label.format_map(_Fill(fill))


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"{{{key}}}"
