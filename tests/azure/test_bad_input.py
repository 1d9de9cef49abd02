"""Bad Azure input, as for AWS and GCP: every unusable file is one line naming the file and the field (or line),
never a traceback; the other files are still read. A broken AzureHound entry is named and skipped, and the source
is partial. Group members and federated credentials outside the directory convention are errors, not guesses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.azure.parse import parse
from nhi_scan.model import Source, SourceStatus
from tests.azure import (
    SUB,
    app,
    arm_assignment,
    arm_resource,
    fic,
    hound,
    load_inputs,
    oid,
    page,
    ref,
    secret,
    sp,
    user,
    write,
)

RG = f"/subscriptions/{SUB}/resourceGroups/rg"
VM = f"{RG}/providers/Microsoft.Compute/virtualMachines/vm"


def source_of(tmp_path: Path, relative: str, content: object) -> Source:
    (source,) = load_inputs(write(tmp_path, relative, content)).sources
    return source


def assert_one_line(source: Source, *needles: str) -> None:
    assert source.status is SourceStatus.ERROR, source
    assert "\n" not in source.detail and "Traceback" not in source.detail
    for needle in needles:
        assert needle in source.detail, source.detail


def sp_with(**fields: Any) -> dict[str, Any]:
    return page("servicePrincipals", sp(1, oid(101), "a", **fields))


CASES: list[tuple[str, object, tuple[str, ...]]] = [
    ("servicePrincipals.json", '{"value": [', ("invalid JSON", "truncated")),
    ("servicePrincipals.json", '[{"id": 1,}]', ("invalid JSON", "line 1")),
    ("servicePrincipals.json", {"value": "nope"}, ("field value", "array")),
    ("servicePrincipals.json", [1, 2], ("[0]", "expected an object")),
    ("sps.json", sp_with(servicePrincipalType=5), ("value[0].servicePrincipalType", "expected a string")),
    (
        "sps.json",
        sp_with(servicePrincipalType="Robot"),
        ("value[0].servicePrincipalType", "unknown service principal type 'Robot'"),
    ),
    ("sps.json", sp_with(id="not-a-guid"), ("value[0].id", "not an object id")),
    ("sps.json", sp_with(accountEnabled="yes"), ("value[0].accountEnabled", "true or false")),
    ("sps.json", sp_with(alternativeNames=[1]), ("value[0].alternativeNames[0]", "string")),
    ("sps.json", sp_with(owners="alice"), ("value[0].owners", "array")),
    ("sps.json", sp_with(owners=[{"@odata.type": "#microsoft.graph.user"}]), ("value[0].owners[0].id", "missing")),
    (
        "sps.json",
        sp_with(passwordCredentials=[secret(1, end="soon")]),
        ("value[0].passwordCredentials[0].endDateTime", "timestamp"),
    ),
    ("sps.json", sp_with(keyCredentials={"keyId": oid(1)}), ("value[0].keyCredentials", "array")),
    (
        "sps.json",
        sp_with(passwordCredentials=[{**secret(1), "endDateTime": None}]),
        ("value[0].passwordCredentials[0].endDateTime", "null or missing"),
    ),
    (
        "sps.json",
        [page("servicePrincipals", sp(1, oid(101), "a")), page("servicePrincipals", sp(2, "x", "b"))],
        ("[1].value[0].appId", "not an object id"),
    ),
    (
        "apps.json",
        [app(10, oid(110), "x", federatedIdentityCredentials=[{"id": oid(5), "name": "n"}])],
        ("[0].federatedIdentityCredentials[0].issuer", "missing"),
    ),
    (
        "users.json",
        [user(20, "a@contoso.example", signInActivity={"lastSignInDateTime": 5})],
        ("[0].signInActivity.lastSignInDateTime", "timestamp"),
    ),
    (
        "roles.json",
        page("roleManagement/directory/roleAssignments", {"principalId": oid(1), "directoryScopeId": "/"}),
        ("value[0].roleDefinitionId", "missing"),
    ),
    (
        "roles.json",
        page(
            "roleManagement/directory/roleAssignments",
            {"principalId": oid(1), "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10"},
        ),
        ("value[0].directoryScopeId", "missing, and no appScopeId"),
    ),
    (
        "roleAssignments.json",
        [{"id": "/x", "scope": f"/subscriptions/{SUB}", "roleDefinitionId": "/r/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"}],
        ("[0].principalId", "missing"),
    ),
    (
        "roleAssignments.json",
        [arm_assignment(1, oid(3), "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", f"/subscriptions/{SUB}") | {"scope": 5}],
        ("[0].scope", "string"),
    ),
    (
        "resources.json",
        [{"id": "vm-1", "type": "Microsoft.Compute/virtualMachines", "name": "vm-1"}],
        ("[0].id", "not an Azure resource id"),
    ),
    (
        "roleAssignments.json",
        [arm_assignment(1, oid(3), "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", f"/subscriptions/{SUB}\x00")],
        ("[0].scope", "not an Azure resource id"),
    ),
    (
        "resources.json",
        [arm_resource(f"{RG}/providers/Microsoft.Compute", "Microsoft.Compute/virtualMachines", None)],
        ("[0].id", "not a resource id (.../providers/NAMESPACE/TYPE/NAME)"),
    ),
    (
        "resources.json",
        [
            arm_resource(
                VM,
                "Microsoft.Compute/virtualMachines",
                {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/x/id": "oops"}},
            )
        ],
        ("[0].identity.userAssignedIdentities./subscriptions/x/id", "expected an object"),
    ),
    (
        "secrets.json",
        [{"id": "https://example.com/secrets/x", "attributes": {}}],
        ("[0].id", "not a Key Vault secret id"),
    ),
    (
        "keyVaults.json",
        [
            {
                "id": f"{RG}/providers/Microsoft.KeyVault/vaults/kv",
                "type": "Microsoft.KeyVault/vaults",
                "properties": {"accessPolicies": [{"objectId": oid(1), "permissions": {"secrets": "all"}}]},
            }
        ],
        ("[0].properties.accessPolicies[0].permissions.secrets", "array"),
    ),
    ("out.json", {"data": {}, "meta": {"type": "azure", "version": 5}}, ("field data", "array")),
    (
        "graph/members.json",
        page("directoryObjects", ref("user", 20)),
        ("group unknown", "graph/groups/ID/members.json"),
    ),
    ("graph/groups/tier0/members.json", page("directoryObjects", ref("user", 20)), ("group unknown",)),
    ("graph/fics.json", {"value": [fic(1, "repo:o/r:ref:refs/heads/main")]}, ("application unknown",)),
    (
        "errors/sub.json",
        {
            "NhiScanCollectionError": {
                "Provider": "azure",
                "Scope": f"/subscriptions/{SUB}",
                "Phase": "role assignments",
                "Call": "GET roleAssignments",
                "Error": "403 AuthorizationFailed",
            }
        },
        (f"/subscriptions/{SUB}: role assignments not collected: GET roleAssignments failed: 403 AuthorizationFailed",),
    ),
]


@pytest.mark.parametrize(("relative", "content", "needles"), CASES, ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_bad_input_is_one_line_naming_the_file_and_field(
    tmp_path: Path, relative: str, content: object, needles: tuple[str, ...]
) -> None:
    source = source_of(tmp_path, relative, content)
    assert_one_line(source, str(tmp_path / relative), *needles)


def test_the_other_files_are_still_read(tmp_path: Path) -> None:
    write(tmp_path, "broken.json", sp_with(servicePrincipalType="Robot"))
    write(tmp_path, "users.json", [user(20, "a@contoso.example")])
    loaded = load_inputs(tmp_path)
    assert sorted(s.status for s in loaded.sources) == [SourceStatus.ERROR, SourceStatus.USED]
    inventory = parse(loaded.documents, owner_tag_keys=())
    assert [i.id for i in inventory.identities] == [f"users/{oid(20)}"]


def test_a_broken_azurehound_entry_is_named_and_skipped(tmp_path: Path) -> None:
    good = sp(1, oid(101), "good")
    document = hound(
        ("AZServicePrincipal", good), ("AZServicePrincipal", {**good, "id": "nope"}), ("AZUser", user(20, "a@x"))
    )
    path = write(tmp_path, "out.json", document)
    loaded = load_inputs(path)
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL
    assert source.detail == f"{path}: 1 unreadable entry skipped"
    inventory = parse(loaded.documents, owner_tag_keys=())
    assert {i.id for i in inventory.identities} == {f"servicePrincipals/{oid(1)}", f"users/{oid(20)}"}
    (note,) = [w for w in inventory.warnings if "unreadable" in w]
    assert str(path) in note and "data[1].data.id" in note and "not an object id" in note


def test_azurehound_of_another_cloud_is_refused(tmp_path: Path) -> None:
    content = {"data": [{"kind": "AZUser", "data": user(20, "a@x")}], "meta": {"type": "aws", "version": 5}}
    assert_one_line(source_of(tmp_path, "out.json", content), "meta.type", "not AzureHound's Azure output")


def test_unknown_json_named_explicitly_is_an_error_and_in_a_directory_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "dir/other.json", {"hello": "world"})
    assert_one_line(load_inputs(path).sources[0], str(path), "unknown kind")
    (skipped,) = load_inputs(tmp_path / "dir").sources
    assert skipped.status is SourceStatus.SKIPPED


def test_secret_text_in_an_error_is_never_echoed(tmp_path: Path) -> None:
    value = "Zm9vYmFyIHNlY3JldA-VALUE"
    content = sp_with(passwordCredentials=[secret(1, secretText=value, end="soon")])
    source = source_of(tmp_path, "sps.json", content)
    assert_one_line(source, "endDateTime")
    assert value not in source.detail
    assert json.dumps(content).count(value) == 1


ENTRA_SECRET = "abc8Q~Zx9Kq2LmN4pR6sT8vW0yB3dF5hJ7kM9nP1qS"


@pytest.mark.parametrize(
    ("relative", "content"),
    [
        ("sps.json", sp_with(passwordCredentials=[secret(1, keyId=ENTRA_SECRET)])),
        (f"arm/subscriptions/{SUB}/identities.json", [{"id": ENTRA_SECRET, "name": "x", "type": "x"}]),
    ],
    ids=["guid", "arm-id"],
)
def test_a_secret_in_an_id_field_is_redacted_in_the_error(tmp_path: Path, relative: str, content: object) -> None:
    """The error quotes the value as written: a lower-cased copy no longer has a secret's shape, so it was shown."""
    source = source_of(tmp_path, relative, content)
    assert_one_line(source, "not shown")
    assert ENTRA_SECRET[8:24].lower() not in source.detail.lower()


def test_an_assignment_at_the_root_scope_is_read(tmp_path: Path) -> None:
    """``/`` (the tenant root) is a scope, though it is no resource id."""
    content = [arm_assignment(1, oid(3), "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "/")]
    assert source_of(tmp_path, "roleAssignments.json", content).status is SourceStatus.USED


@pytest.mark.parametrize(
    ("expression", "problem"),
    [("claims['sub'] matches 'repo:x/*", "unterminated quote"), ("claims['sub' eq 'a'", "bracket not closed")],
)
def test_a_malformed_claims_expression_is_an_error(tmp_path: Path, expression: str, problem: str) -> None:
    """Entra refuses such an expression on write: read on, it would only be unjudged and its breadth unseen."""
    content = page("federatedIdentityCredentials", fic(1, None, claimsMatchingExpression={"value": expression}))
    source = source_of(tmp_path, f"graph/applications/{oid(11)}/federatedIdentityCredentials.json", content)
    assert_one_line(source, "claimsMatchingExpression.value", problem)
