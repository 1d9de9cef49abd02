"""The IAM policy grammar, checked when an export is loaded: a statement IAM itself would refuse (no Effect, a
Principal that is a number, actions that are not strings...) is left out of the document with a note naming the
file and the path to the field, instead of being read one way by the permission evaluator and another by the
trust reader, or skipped without a word."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from nhi_scan.connectors.unreadable import note_unreadable
from nhi_scan.redact import quote

_VERSIONS = ("2012-10-17", "2008-10-17")
_PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
#: An AWS principal: ``*``, an account id, or an IAM / STS ARN of a 12-digit account.
#: (A deleted principal shows as its unique id, ``AROA...``.)
_AWS_PRINCIPAL = re.compile(
    r"^(\*|\d{12}|A[A-Z]{3}[A-Z0-9]{12,}|"
    r"arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|(user|role|assumed-role|federated-user|group)/[\w+=,.@/-]+))$"
)
#: A web identity or SAML provider of a 12-digit account, or an identity provider's domain (accounts.google.com).
_FEDERATED = re.compile(
    r"^(arn:aws[a-z-]*:iam::\d{12}:(saml-provider|oidc-provider)/[^:\s]+|[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?)$"
)
#: A service principal (ec2.amazonaws.com, states.eu-west-1.amazonaws.com, ec2.amazonaws.com.cn).
_SERVICE = re.compile(r"^(\*|[a-z0-9-]+(\.[a-z0-9-]+)+)$")
_CANONICAL_USER = re.compile(r"^[0-9a-f]{64}$")
_NAME_SHAPES = {"AWS": _AWS_PRINCIPAL, "Federated": _FEDERATED, "Service": _SERVICE, "CanonicalUser": _CANONICAL_USER}
_CONDITION_SCALARS = (str, bool, int, float)


def _strings(value: object) -> bool:
    """A string, or a non-empty array of non-empty strings (IAM refuses an empty action list)."""
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


#: An action: ``*`` or ``service:Action``, with wildcards in either part (``*:Get*`` is evaluated as the glob it is:
#: an export holds what IAM stored, and leaving a grant out would hide what it allows).
_ACTION = re.compile(r"^(\*|[\w*?-]+:[\w*?-]+)$")


def _one_of(statement: Mapping[str, Any], name: str, *, required: bool) -> Iterator[tuple[str, str]]:
    negative = f"Not{name}"
    present = [key for key in (name, negative) if key in statement]
    if len(present) > 1:
        yield name, f"both {name} and {negative}"
        return
    if not present:
        if required:
            yield name, f"no {name} (nor {negative})"
        return
    value = statement[present[0]]
    if not _strings(value):
        yield present[0], f"expected a string or an array of strings, got {_shape(value)}"
    elif name == "Resource":
        for index, resource in enumerate([value] if isinstance(value, str) else value):
            if resource != "*" and not resource.startswith("arn:"):
                at = present[0] if isinstance(value, str) else f"{present[0]}[{index}]"
                yield at, f"not an ARN nor *: {quote(resource)}"
    elif name == "Action":
        for index, action in enumerate([value] if isinstance(value, str) else value):
            if not _ACTION.match(action):
                at = present[0] if isinstance(value, str) else f"{present[0]}[{index}]"
                yield at, f"not an action (service:Action): {quote(action)}"


def _shape(value: object) -> str:
    if isinstance(value, (dict, list)):
        return ("an " if value else "an empty ") + ("object" if isinstance(value, dict) else "array")
    if value is None or isinstance(value, bool):
        return "null" if value is None else "a boolean"
    if isinstance(value, str):
        return f"the string {quote(value)}" if value else "an empty string"
    return f"the number {quote(str(value))}"


def _principal(value: object) -> Iterator[tuple[str, str]]:
    if value == "*":
        return
    if not isinstance(value, dict) or not value:
        yield "", f'expected "*" or an object of AWS / Service / Federated principals, got {_shape(value)}'
        return
    for key, names in value.items():
        if key not in _PRINCIPAL_KEYS:
            yield f".{key}", "not a kind of principal (AWS, Service, Federated, CanonicalUser)"
        elif not _strings(names):
            yield f".{key}", f"expected a string or an array of strings, got {_shape(names)}"
        else:
            for index, name in enumerate([names] if isinstance(names, str) else names):
                if not _NAME_SHAPES[key].match(name):
                    at = f".{key}" if isinstance(names, str) else f".{key}[{index}]"
                    yield at, f"not a principal of kind {key}: {quote(name)}"


def _condition(value: object) -> Iterator[tuple[str, str]]:
    if not isinstance(value, dict):
        yield "", f"expected an object of operators, got {_shape(value)}"
        return
    for operator, tests in value.items():
        if not isinstance(tests, dict) or not tests:
            yield f".{operator}", f"expected an object of condition keys, got {_shape(tests)}"
            continue
        for key, expected in tests.items():
            values = expected if isinstance(expected, list) else [expected]
            if not all(isinstance(v, _CONDITION_SCALARS) for v in values):
                yield f".{operator}.{key}", f"expected values (strings, numbers, booleans), got {_shape(expected)}"


def statement_problems(statement: object, *, trust: bool, scp: bool) -> Iterator[tuple[str, str]]:
    """(path below the statement, what is wrong) for each way ``statement`` breaks the grammar IAM enforces."""
    if not isinstance(statement, dict):
        yield "", f"a statement must be an object, got {_shape(statement)}"
        return
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        yield ".Effect", "missing" if "Effect" not in statement else f"expected Allow or Deny, got {_shape(effect)}"
    for key, detail in _one_of(statement, "Action", required=True):
        yield f".{key}", detail
    if not trust:
        for key, detail in _one_of(statement, "Resource", required=not scp):
            yield f".{key}", detail
    else:
        principals = [key for key in ("Principal", "NotPrincipal") if key in statement]
        if len(principals) != 1:
            yield ".Principal", "both Principal and NotPrincipal" if principals else "no Principal"
        else:
            for at, detail in _principal(statement[principals[0]]):
                yield f".{principals[0]}{at}", detail
    if "Condition" in statement:
        for at, detail in _condition(statement["Condition"]):
            yield f".Condition{at}", detail
    sid = statement.get("Sid")
    if sid is not None and not isinstance(sid, str):
        yield ".Sid", f"expected a string, got {_shape(sid)}"


def checked(
    document: Mapping[str, Any], source: str, where: str, *, trust: bool = False, scp: bool = False
) -> Mapping[str, Any]:
    """``document`` without the statements IAM would refuse, each left out with a note (the document itself when
    every statement reads)."""
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    keep: list[object] = []
    for index, statement in enumerate(items):
        at = f"{where}.Statement" if isinstance(raw, dict) else f"{where}.Statement[{index}]"
        problems = list(statement_problems(statement, trust=trust, scp=scp))
        if problems:
            path, detail = problems[0]
            note_unreadable(source, f"{at}{path}", f"{detail}: the statement is left out")
        else:
            keep.append(statement)
    version = document.get("Version")
    if version is not None and version not in _VERSIONS:
        note_unreadable(source, f"{where}.Version", f"not a policy language version: {_shape(version)}")
    if len(keep) == len(items):
        return document
    return {**document, "Statement": keep}
