"""Flexible federated identity credentials: the claims expression Entra matches tokens against, and how many
workloads a pattern admits on the issuers it supports (GitHub Actions, GitLab, Terraform Cloud).

The language (``languageVersion`` 1) is terms ``claims['NAME'] OPERATOR 'VALUE'`` joined by ``and`` / ``or``;
``eq`` compares exactly, ``matches`` takes ``*`` and ``?`` wildcards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nhi_scan.connectors.azure.claims_expression import OR, Term, terms

#: How far a pattern reaches, broadest first.
EVERYONE, NAMESPACE, REPOSITORY = "everyone", "namespace", "repository"


@dataclass(frozen=True, slots=True)
class Breadth:
    #: EVERYONE, NAMESPACE or REPOSITORY.
    level: str
    #: What an attacker must control to obtain a matching token, in words.
    who: str
    term: Term


def broad_term(expression: str) -> Term | None:
    """The wildcard term that lets many subjects in, or None when the expression pins them (an ``and`` with an
    exact ``sub``, or no wildcard at all)."""
    found = terms(expression)
    wild = [t for t in found if t.wildcard]
    if not wild:
        return None
    if OR.search(expression):
        return next((t for t in wild if t.claim == "sub"), wild[0])
    if any(t.claim == "sub" and not t.wildcard for t in found):
        return None
    return next((t for t in wild if t.claim == "sub"), wild[0])


def _fixed(pattern: str) -> str:
    """The part of a pattern before its first wildcard."""
    return re.split(r"[*?]", pattern, maxsplit=1)[0]


def _github(fixed: str) -> tuple[str, str]:
    match = re.match(r"repo:([^/:]+)/([^:]*)(:.*)?$", fixed)
    if match is None:
        owner = fixed[len("repo:") :] if fixed.startswith("repo:") else ""
        if owner:
            return EVERYONE, f"anyone on GitHub who creates an account or organisation whose name starts with '{owner}'"
        return EVERYONE, "any GitHub Actions workflow of any repository on GitHub"
    owner, repository, rest = match.group(1), match.group(2), match.group(3)
    if rest is None:
        named = f" whose name starts with '{repository}'" if repository else ""
        return NAMESPACE, (
            f"a workflow in any repository of the GitHub organisation {owner}{named} (anyone who can push to or "
            "create such a repository), on any branch, tag, environment or pull request"
        )
    return (
        REPOSITORY,
        f"a workflow of {owner}/{repository} whose context starts with '{rest[1:]}' (anyone who can push there)",
    )


def _gitlab(fixed: str) -> tuple[str, str]:
    match = re.match(r"project_path:([^:]+)(:.*)?$", fixed)
    if match is None or "/" not in match.group(1):
        return EVERYONE, "any GitLab CI job of any project whose path matches"
    if match.group(2) is None:
        group = match.group(1).rsplit("/", 1)[0]
        return NAMESPACE, f"a CI job in any project of the GitLab group {group} (anyone who can push to one)"
    return REPOSITORY, f"a CI job of the GitLab project {match.group(1)} (anyone who can push there)"


def _terraform(fixed: str) -> tuple[str, str]:
    match = re.match(r"organization:([^:]+):(.*)$", fixed)
    if match is None:
        return EVERYONE, "a run in any Terraform Cloud organisation"
    if ":workspace:" in match.group(2) and not match.group(2).endswith(":workspace:"):
        return REPOSITORY, f"a run of one workspace of the Terraform Cloud organisation {match.group(1)}"
    return NAMESPACE, f"a run in any workspace of the Terraform Cloud organisation {match.group(1)}"


def breadth(issuer: str, term: Term) -> Breadth:
    """How far ``term`` reaches on ``issuer`` (host and path, without scheme)."""
    fixed = _fixed(term.value)
    host = issuer.split("/", 1)[0].lower()
    if term.claim != "sub":
        return Breadth(
            NAMESPACE,
            f"any workflow whose {term.claim} claim matches '{term.value}', whatever repository runs it (a reusable "
            "workflow may be called from repositories outside the organisation)",
            term,
        )
    if host == "token.actions.githubusercontent.com":
        level, who = _github(fixed)
    elif "gitlab" in host:
        level, who = _gitlab(fixed)
    elif host == "app.terraform.io":
        level, who = _terraform(fixed)
    elif fixed:
        level, who = NAMESPACE, f"any token of {issuer} whose subject starts with '{fixed}'"
    else:
        level, who = EVERYONE, f"any token {issuer} issues"
    return Breadth(level, who, term)


def never_matches(subject: str) -> bool:
    """An exact subject written as a pattern or a prefix: compared exactly, it matches no token an issuer sends."""
    return "*" in subject or "?" in subject or subject.endswith((":", "/"))
