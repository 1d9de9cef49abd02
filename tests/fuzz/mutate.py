"""Structure-aware mutations of the exports the loader recognises, as data: a ``Mutation`` names its family, the
file it changes and what it does, so a failing case is saved to the corpus and replayed byte for byte.

A mutation is ``invalid`` when the result is not something the provider could have exported (a wrong type, a
deleted required key, a duplicate key with another value, NaN, a malformed ARN or statement, truncation, a bad
encoding): the scan must then say so, or find exactly what it found before. A valid mutation (a BOM, a renamed
value) is only checked for crashes, bounded errors and completeness of the other files.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

Path = list[str | int]

#: Keys a provider may leave out (or give empty) without the export being wrong: deleting them is valid.
OPTIONAL_KEYS = frozenset(
    {
        # AWS
        "Tags",
        "Description",
        "PermissionsBoundary",
        "IsTruncated",
        "Marker",
        "Sid",
        "Condition",
        "Version",
        "InstanceProfileList",
        "RolePolicyList",
        "UserPolicyList",
        "GroupPolicyList",
        "AttachedManagedPolicies",
        "GroupList",
        "LastAuthenticated",
        "Path",
        "RoleLastUsed",
        "LastUsedDate",
        "Region",
        "MaxSessionDuration",
        "PolicyName",
        "UserName",
        "RoleName",
        "GroupName",
        "PolicyId",
        "UserId",
        "RoleId",
        "GroupId",
        "PermissionsBoundaryUsageCount",
        "IsAttachable",
        "UpdateDate",
        "AttachmentCount",
        "DefaultVersionId",
        "IsDefaultVersion",
        "CreateDate",
        # GCP
        "etag",
        "bindings",
        "description",
        "displayName",
        "labels",
        "condition",
        "auditConfigs",
        "version",
        "oauth2ClientId",
        "disabled",
        "keyAlgorithm",
        "keyOrigin",
        "keyType",
        "validBeforeTime",
        "validAfterTime",
        "title",
        "updateTime",
        "createTime",
        "uniqueId",
        "projectId",
        # Azure
        "tags",
        "notes",
        "createdDateTime",
        "signInAudience",
        "appDescription",
        "servicePrincipalNames",
        "alternativeNames",
        "homepage",
        "info",
        "replyUrls",
        "location",
        "properties",
        # AzureHound drops false and empty collections (omitempty); Graph expands owners only when asked
        "accountEnabled",
        "owners",
        "passwordCredentials",
        "keyCredentials",
        # Graph / AzureHound leave these out (or null) when there is nothing to say: never signed in, no sponsor,
        # no subject (a flexible expression instead), no identity, no start date
        "sponsors",
        "signInActivity",
        "lastSignInDateTime",
        "subject",
        "identity",
        "userAssignedIdentities",
        "startDateTime",
        "servicePrincipalType",
        "userPrincipalName",
        # Compute leaves serviceAccounts out of an instance (or template) that runs as no account
        # (--no-service-account): deleting it is a valid export of such an instance, which has no identity.
        "serviceAccounts",
        # IAM writes a key's disableReason and extendedStatus only when there is one (both documented optional): a
        # key without them is a key nothing flagged, and a finding still shown from the other one is correct
        "disableReason",
        "extendedStatus",
    }
)
#: Keys optional only under a given parent key, as (parent, key). A Vertex AI reasoning engine without
#: spec.serviceAccount runs as its project's Reasoning Engine service agent (the API's documented default, which
#: the scan names from the project number): deleting it is a valid export of another agent.
OPTIONAL_BELOW = frozenset(
    {
        ("spec", "serviceAccount"),
        # Graph writes an object's @odata.type only when it is of a type derived from its collection's (an agent
        # identity among service principals): an AzureHound entry's data without it is a valid base-type object,
        # which a damaged agent identity cannot be told from. (Owners and members, of directoryObject lists,
        # always carry theirs: there it stays required.)
        ("data", "@odata.type"),
        # An OIDC provider without allowedAudiences admits tokens whose aud is the provider's own resource name
        # (GCP's documented default, which the scan names in the trust): another valid provider.
        ("oidc", "allowedAudiences"),
    }
)
#: Keys whose value is free text or a name: another string there is a valid value.
FREE_TEXT_KEYS = frozenset({"Description", "description", "displayName", "notes", "title", "Value", "Sid"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Mutation:
    """One change to one file of an estate (``target`` relative to the estate's root)."""

    family: str
    target: str
    op: str
    invalid: bool
    path: Path = field(default_factory=list)
    value: Any = None
    #: Text-level operations: a byte offset, the bytes to insert (hex), a line number.
    offset: int = 0
    data_hex: str = ""
    first: bool = False
    #: Newline-delimited exports: the line whose document is mutated.
    line: int = -1
    #: A huge value kept small on disk: ``value`` repeated this many times.
    repeat: int = 0

    @property
    def new_value(self) -> Any:
        return self.value * self.repeat if self.repeat else self.value

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Mutation:
        return cls(**raw)


# ---------------------------------------------------------------------------------------------------- applying


def _parent(document: Any, path: Path) -> tuple[Any, str | int]:
    node = document
    for step in path[:-1]:
        node = node[step]
    return node, path[-1]


_SENTINEL = "\u0000nhi-fuzz-duplicate\u0000"


def _dumps(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def apply_json(document: Any, mutation: Mutation) -> bytes:
    """The file's bytes after a structural mutation of its decoded document (which is changed in place)."""
    op = mutation.op
    if op == "replace":
        if not mutation.path:
            return _dumps(mutation.new_value).encode()
        parent, key = _parent(document, mutation.path)
        parent[key] = mutation.new_value
    elif op == "delete":
        parent, key = _parent(document, mutation.path)
        del parent[key]
    elif op == "wrap":  # deep nesting: the node inside ``offset`` arrays
        parent, key = _parent(document, mutation.path)
        text = "[" * mutation.offset + json.dumps(parent[key]) + "]" * mutation.offset
        parent[key] = _SENTINEL
        return _dumps(document).replace(json.dumps(_SENTINEL), text, 1).encode()
    elif op == "duplicate":
        container = document
        for step in mutation.path[:-1]:
            container = container[step]
        key = str(mutation.path[-1])
        items = list(container.items())
        container.clear()
        if mutation.first:
            container[_SENTINEL] = mutation.new_value
        container.update(items)
        if not mutation.first:
            container[_SENTINEL] = mutation.new_value
        return _dumps(document).replace(json.dumps(_SENTINEL), json.dumps(key), 1).encode()
    elif op == "surrogate":
        parent, key = _parent(document, mutation.path)
        parent[key] = _SENTINEL
        return _dumps(document).replace(json.dumps(_SENTINEL), '"\\ud800x"', 1).encode()
    else:
        raise ValueError(op)
    return _dumps(document).encode()


def apply_bytes(data: bytes, mutation: Mutation) -> bytes:
    """The file's bytes after a text-level mutation."""
    op = mutation.op
    extra = bytes.fromhex(mutation.data_hex)
    if op == "truncate":
        return data[: mutation.offset]
    if op == "insert":
        return data[: mutation.offset] + extra + data[mutation.offset :]
    if op == "prefix":
        return extra + data
    if op == "utf16":
        return data.decode("utf-8-sig").encode("utf-16")
    raise ValueError(op)


def apply(original: bytes, mutation: Mutation) -> bytes:
    if mutation.op in ("truncate", "insert", "prefix", "utf16"):
        return apply_bytes(original, mutation)
    if mutation.op.startswith("csv-"):
        return apply_csv(original, mutation)
    if mutation.op.startswith("line-"):
        return apply_lines(original, mutation)
    return apply_json(json.loads(original), mutation)


def apply_csv(original: bytes, mutation: Mutation) -> bytes:
    rows = list(csv.reader(io.StringIO(original.decode("utf-8-sig"))))
    row, column = mutation.offset, int(mutation.path[0]) if mutation.path else 0
    op = mutation.op
    if op == "csv-cell":
        rows[row][column] = str(mutation.new_value)
    elif op == "csv-drop-cell":
        del rows[row][column]
    elif op == "csv-extra-cell":
        rows[row].insert(column, str(mutation.new_value))
    elif op == "csv-drop-column":
        for cells in rows:
            if column < len(cells):
                del cells[column]
    elif op == "csv-duplicate-column":
        for cells in rows:
            if column < len(cells):
                cells.insert(column, cells[column] if cells is rows[0] else str(mutation.new_value))
    elif op == "csv-duplicate-row":
        copy = list(rows[row])
        copy[column] = str(mutation.new_value)
        rows.insert(row + 1 if not mutation.first else row, copy)
    else:
        raise ValueError(op)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def apply_lines(original: bytes, mutation: Mutation) -> bytes:
    """Newline-delimited JSON: a structural mutation of one line's document (``offset`` is the line)."""
    lines = original.decode().splitlines()
    inner = Mutation.from_json({**mutation.as_json(), "op": mutation.op.removeprefix("line-")})
    lines[mutation.line] = apply_json(json.loads(lines[mutation.line]), inner).decode().replace("\n", "")
    return ("\n".join(lines) + "\n").encode()


# ---------------------------------------------------------------------------------------------------- choosing


def nodes(value: Any, path: Path | None = None) -> Iterator[tuple[Path, Any]]:
    """Every (path, node) of a decoded document, the root excluded."""
    path = path or []
    if isinstance(value, dict):
        for key, child in value.items():
            yield [*path, key], child
            yield from nodes(child, [*path, key])
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield [*path, index], child
            yield from nodes(child, [*path, index])


def _type(value: Any) -> str:
    return "null" if value is None else type(value).__name__


_ODD_VALUES: list[Any] = [7, -1, 0, 1.5, True, False, None, "", "x", [], {}, ["x"], [7], {"x": 1}, [[]], [{}]]


def _other_type(rng: random.Random, value: Any) -> Any:
    choices = [v for v in _ODD_VALUES if _type(v) != _type(value)]
    return rng.choice(choices)


def _key_of(path: Path) -> str:
    for step in reversed(path):
        if isinstance(step, str):
            return step
    return ""


def _in_policy(path: Path) -> bool:
    return any(isinstance(s, str) and ("Document" in s or s in ("Statement", "bindings", "rules")) for s in path)


def _policies(document: Any) -> list[tuple[Path, dict[str, Any]]]:
    return [(p, n) for p, n in nodes(document) if isinstance(n, dict) and "Statement" in n] + (
        [([], document)] if isinstance(document, dict) and "Statement" in document else []
    )


def _bindings(document: Any) -> list[tuple[Path, dict[str, Any]]]:
    return [(p, n) for p, n in nodes(document) if isinstance(n, dict) and ("members" in n or "role" in n)]


_WELL_FORMED_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:[\w+=,.@/-]+$")
_ARN_BREAKS = [
    lambda arn: (
        arn.replace(arn.split(":")[4], "1111222233334444", 1) if arn.count(":") >= 5 and arn.split(":")[4] else None
    ),
    lambda arn: arn.replace(arn.split(":")[4], "12345", 1) if arn.count(":") >= 5 and arn.split(":")[4] else None,
    lambda arn: arn.replace(":role/", ":user/", 1) if ":role/" in arn else arn.replace(":user/", ":role/", 1),
    lambda arn: arn.replace("arn:aws:", "arn:nope:", 1),
    lambda arn: arn.rsplit(":", 1)[0],
    lambda arn: arn.replace("arn:", "", 1),
    lambda arn: arn + ":extra:parts",
    lambda arn: "arn:aws:iam::111122223333:",
    lambda arn: arn.split("/", 1)[0] + "/" if "/" in arn else arn + "/",
]

_STATEMENT_BREAKS: list[tuple[str, Any]] = [
    ("Effect", None),
    ("Effect", "allow"),
    ("Effect", "Maybe"),
    ("Effect", 1),
    ("Principal", 7),
    ("Principal", []),
    ("Principal", {"AWS": 7}),
    ("Principal", {"AWS": [7, "x"]}),
    ("Principal", {"AWS": {"x": "y"}}),
    ("Principal", "arn:aws:iam::111122223333:root"),
    ("Action", 7),
    ("Action", [7]),
    ("Action", {}),
    ("Action", None),
    ("Resource", None),
    ("Resource", {"a": 1}),
    ("Condition", []),
    ("Condition", "x"),
    ("Condition", {"StringEquals": 7}),
    ("Condition", {"StringEquals": {"aws:SourceAccount": {"x": 1}}}),
    ("NotAction", "iam:*"),
]


def json_mutation(rng: random.Random, target: str, document: Any, size: int) -> Mutation:
    """One random structural or text-level mutation of a JSON export."""
    all_nodes = list(nodes(document))
    family = rng.choice(
        [
            "truncation",
            "wrong-type",
            "wrong-type",
            "deleted-key",
            "duplicate-key",
            "deep-nesting",
            "huge-value",
            "encoding",
            "non-finite",
            "arn",
            "empty-string",
            "policy-shape",
            "policy-shape",
            "node-replacement",
        ]
    )
    if not all_nodes:
        family = "truncation"
    if family == "truncation":
        return Mutation(family=family, target=target, op="truncate", invalid=True, offset=rng.randrange(1, size))
    if family == "encoding":
        choice = rng.randrange(5)
        if choice == 0:
            return Mutation(family=family, target=target, op="prefix", invalid=False, data_hex="efbbbf")
        if choice == 1:
            return Mutation(family=family, target=target, op="utf16", invalid=True)
        if choice == 2:
            strings = [p for p, n in all_nodes if isinstance(n, str)]
            if strings:
                return Mutation(family=family, target=target, op="surrogate", invalid=False, path=rng.choice(strings))
        bad = rng.choice(["ff", "c3", "e28", "80", "c0af", "eda080"])
        return Mutation(
            family=family,
            target=target,
            op="insert",
            invalid=True,
            offset=rng.randrange(size),
            data_hex=bad if len(bad) % 2 == 0 else bad + "0",
        )
    if family == "deleted-key":
        keyed = [p for p, _ in all_nodes if isinstance(p[-1], str)]
        if keyed:
            path = rng.choice(keyed)
            invalid = not _optional(path) and "Condition" not in path and not _engine_spec(document, path)
            return Mutation(family=family, target=target, op="delete", invalid=invalid, path=path)
        family = "wrong-type"
    if family == "duplicate-key":
        keyed = [(p, n) for p, n in all_nodes if isinstance(p[-1], str)]
        if keyed:
            path, value = rng.choice(keyed)
            other = _other_type(rng, value) if rng.random() < 0.5 else _variant(rng, value)
            return Mutation(
                family=family,
                target=target,
                op="duplicate",
                invalid=other != value,
                path=path,
                value=other,
                first=rng.random() < 0.5,
            )
        family = "wrong-type"
    if family == "deep-nesting":
        path, _ = rng.choice(all_nodes)
        depth = rng.choice([40, 400, 3000, 200000])
        return Mutation(family=family, target=target, op="wrap", invalid=True, path=path, offset=depth)
    if family == "huge-value":
        path, value = rng.choice(all_nodes)
        if rng.random() < 0.5:
            digits = rng.choice([30, 400])
            # A number is a valid IAM condition value (as for wrong-type below), compared as its text: 10**30 there
            # is a condition no token meets, read as written. 10**400 is past what the strict decoder reads.
            invalid = digits > 30 or not _condition_value(path)
            return Mutation(family=family, target=target, op="replace", invalid=invalid, path=path, value=10**digits)
        times = rng.choice([5000, 300_000, 3_000_000])
        invalid = not isinstance(value, str)
        return Mutation(family=family, target=target, op="replace", invalid=invalid, path=path, value="A", repeat=times)
    if family == "non-finite":
        candidates = [p for p, n in all_nodes if isinstance(n, (int, float)) and not isinstance(n, bool)]
        candidates += [p for p, n in all_nodes if isinstance(n, str) and n[:2] in ("19", "20") and "T" in n]
        if candidates:
            value = rng.choice([float("nan"), float("inf"), float("-inf")])
            return Mutation(
                family=family, target=target, op="replace", invalid=True, path=rng.choice(candidates), value=value
            )
        family = "wrong-type"
    if family == "arn":
        arns = [(p, n) for p, n in all_nodes if isinstance(n, str) and n.startswith("arn:")]
        if arns:
            path, arn = rng.choice(arns)
            broken = rng.choice(_ARN_BREAKS)(arn)
            if broken and broken != arn:
                resource = _key_of(path) in ("Resource", "NotResource", "Condition") or any(
                    s == "Condition" for s in path
                )
                # In a policy, an ARN that is still well formed is another principal, not a broken one.
                resource = resource or (_in_policy(path) and _WELL_FORMED_ARN.match(broken) is not None)
                return Mutation(
                    family=family, target=target, op="replace", invalid=not resource, path=path, value=broken
                )
        family = "wrong-type"
    if family == "empty-string":
        strings = [p for p, n in all_nodes if isinstance(n, str) and n]
        if strings:
            path = rng.choice(strings)
            key = _key_of(path)
            valid = key in OPTIONAL_KEYS or key in FREE_TEXT_KEYS or "Condition" in path
            return Mutation(family=family, target=target, op="replace", invalid=not valid, path=path, value="")
        family = "wrong-type"
    if family == "policy-shape":
        mutation = _policy_mutation(rng, target, document)
        if mutation is not None:
            return mutation
        family = "wrong-type"
    if family == "node-replacement":
        path, value = rng.choice(all_nodes)
        _, other = rng.choice(all_nodes)
        # Objects of the same required keys are two valid items (a binding for another, with or without its
        # optional condition): a different export, not a damaged one.
        invalid = _type(other) != _type(value) or (
            isinstance(value, dict)
            and isinstance(other, dict)
            and set(value) - OPTIONAL_KEYS != set(other) - OPTIONAL_KEYS
        )
        if _strings_like(value) and _strings_like(other):
            invalid = False  # "*" for ["s3:GetObject", ...]: IAM and GCP take a string or a list of strings alike
        return Mutation(family=family, target=target, op="replace", invalid=invalid, path=path, value=_copy(other))
    path, value = rng.choice(all_nodes)
    odd = _other_type(rng, value)
    # null where a value was is an absent value (Graph writes null for every unset field): wrong only if required.
    invalid = odd is not None or not isinstance(path[-1], str) or not _optional(path)
    if isinstance(odd, (int, float, bool)) and _condition_value(path):
        invalid = False  # IAM condition values may be numbers or booleans
    return Mutation(family="wrong-type", target=target, op="replace", invalid=invalid, path=path, value=odd)


def _optional(path: Path) -> bool:
    """Whether the key at the end of ``path`` may be left out of a valid export."""
    if str(path[-1]) in OPTIONAL_KEYS:
        return True
    return len(path) >= 2 and (str(path[-2]), str(path[-1])) in OPTIONAL_BELOW


def _engine_spec(document: Any, path: Path) -> bool:
    """The ``spec`` of a Vertex AI reasoning engine: optional in the API (``spec.serviceAccount`` with it), and an
    engine without it runs as its project's Reasoning Engine service agent, as the scan reads it."""
    if path[-1] != "spec":
        return False
    parent, _ = _parent(document, path)
    return isinstance(parent, dict) and "/reasoningEngines/" in str(parent.get("name", ""))


def _condition_value(path: Path) -> bool:
    """A value (or an element of the values) of an IAM condition key: ``Condition.OPERATOR.KEY[...]``."""
    return "Condition" in path and len(path) - path.index("Condition") >= 3


def _strings_like(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _at_line_end(data: bytes, offset: int) -> bool:
    """A cut at a line's end leaves whole rows: a shorter export, not a damaged one (nothing can tell)."""
    return data[offset - 1 : offset] == b"\n" or data[offset : offset + 1] in (b"\n", b"\r")


def _copy(value: Any) -> Any:
    text = json.dumps(value)
    return json.loads(text) if len(text) < 20000 else "x"


def _variant(rng: random.Random, value: Any) -> Any:
    if isinstance(value, str):
        return value + "-other" if value else "other"
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, list):
        return value[:-1] if value else ["other"]
    if isinstance(value, dict):
        return {k: v for i, (k, v) in enumerate(value.items()) if i} if value else {"other": 1}
    return "other"


def _policy_mutation(rng: random.Random, target: str, document: Any) -> Mutation | None:
    policies = _policies(document)
    if policies:
        path, policy = rng.choice(policies)
        statements = policy["Statement"]
        if rng.random() < 0.2 or not isinstance(statements, (list, dict)):
            odd = rng.choice([["x", "y"], "x", 7, [7], [[{}]], None, {}])
            return Mutation(
                family="policy-shape", target=target, op="replace", invalid=True, path=[*path, "Statement"], value=odd
            )
        where = [*path, "Statement"]
        if isinstance(statements, list):
            if not statements:
                return None
            index = rng.randrange(len(statements))
            where = [*where, index]
            statement = statements[index]
        else:
            statement = statements
        key, value = rng.choice(_STATEMENT_BREAKS)
        if not isinstance(statement, dict):
            return None
        if value is None:
            if key not in statement:
                return None
            return Mutation(family="policy-shape", target=target, op="delete", invalid=True, path=[*where, key])
        if key == "NotAction" and "Action" not in statement:
            return None
        return Mutation(
            family="policy-shape", target=target, op="replace", invalid=True, path=[*where, key], value=value
        )
    bindings = _bindings(document)
    if bindings:
        path, binding = rng.choice(bindings)
        key = rng.choice(["members", "role", "condition"])
        value = rng.choice([7, "user:x@example.com", [7], [""], ["nope"], {}, None, ["serviceAccount:"], [["x"]]])
        if value is None:
            if key not in binding:
                return None
            return Mutation(
                family="policy-shape", target=target, op="delete", invalid=key != "condition", path=[*path, key]
            )
        return Mutation(
            family="policy-shape", target=target, op="replace", invalid=True, path=[*path, key], value=value
        )
    return None


def csv_mutation(rng: random.Random, target: str, data: bytes) -> Mutation:
    """One random mutation of a CSV export (the credential report)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    width = len(rows[0])
    row = rng.randrange(1, len(rows)) if len(rows) > 1 else 0
    column = rng.randrange(width)
    odd = rng.choice(["x", "NaN", "Infinity", "maybe", "2026-13-45T99:00:00+00:00", "", "a\nb", '"', "=1+1", "1e999"])
    family = rng.choice(
        [
            "csv-cell",
            "csv-drop-cell",
            "csv-extra-cell",
            "csv-drop-column",
            "csv-duplicate-column",
            "csv-duplicate-row",
            "truncation",
            "encoding",
            "quoted-newline",
        ]
    )
    if family == "truncation":
        offset = rng.randrange(1, len(data))
        return Mutation(
            family=family, target=target, op="truncate", invalid=not _at_line_end(data, offset), offset=offset
        )
    if family == "encoding":
        if rng.random() < 0.3:
            return Mutation(family=family, target=target, op="prefix", invalid=False, data_hex="efbbbf")
        return Mutation(
            family=family, target=target, op="insert", invalid=True, offset=rng.randrange(len(data)), data_hex="ff"
        )
    if family == "quoted-newline":
        return Mutation(
            family=family,
            target=target,
            op="csv-cell",
            invalid=True,
            offset=row,
            path=[column],
            value=rows[row][column] + "\nx",
        )
    if family == "csv-cell":
        return Mutation(
            family="csv-wrong-value",
            target=target,
            op="csv-cell",
            invalid=odd != rows[row][column],
            offset=row,
            path=[column],
            value=odd,
        )
    if family == "csv-duplicate-row":
        return Mutation(
            family=family,
            target=target,
            op=family,
            invalid=True,
            offset=row,
            path=[column],
            value=odd,
            first=rng.random() < 0.5,
        )
    return Mutation(family=family, target=target, op=family, invalid=True, offset=row, path=[column], value=odd)


def lines_mutation(rng: random.Random, target: str, data: bytes) -> Mutation:
    """One random mutation of a newline-delimited JSON export: text-level, or structural on one line."""
    lines = data.decode().splitlines()
    if rng.random() < 0.3:
        inner = json_mutation(rng, target, None, len(data))  # truncation of the whole file
        if rng.random() < 0.5:
            return Mutation.from_json({**inner.as_json(), "invalid": not _at_line_end(data, inner.offset)})
        return Mutation(
            family="encoding", target=target, op="insert", invalid=True, offset=rng.randrange(len(data)), data_hex="ff"
        )
    line = rng.randrange(len(lines))
    document = json.loads(lines[line])
    inner = json_mutation(rng, target, document, len(lines[line]))
    while inner.op in ("truncate", "insert", "prefix", "utf16"):
        inner = json_mutation(rng, target, document, len(lines[line]))
    return Mutation.from_json({**inner.as_json(), "op": f"line-{inner.op}", "line": line})
