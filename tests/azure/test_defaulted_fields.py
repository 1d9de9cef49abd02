"""Issue 13: Graph and ARM fields whose absence (or emptiness) would change what an object is or may do, found by
the fuzz campaigns (azure seeds 21-23 and a sweep deleting / emptying each field of the sample tenant). Each is
named (an error naming the file and field, or a note and the source partial), never read as a default; what the
sample estate does not hold is tested here, the rest is in ``tests/fuzz/corpus/azure``."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhi_scan.model import SourceStatus
from tests.azure import (
    SUB,
    arm_assignment,
    arm_resource,
    fic,
    inventory,
    load_inputs,
    oid,
    page,
    sp,
    user,
    write,
)
from tests.azure.test_cosmos_sql import READER, sql_assignment

RG = f"/subscriptions/{SUB}/resourceGroups/rg"
SITE = f"{RG}/providers/Microsoft.Web/sites/portal"
VM = f"{RG}/providers/Microsoft.Compute/virtualMachines/vm"
AGENT_USER = "#microsoft.graph.agentUser"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


def error_of(tmp_path: Path, relative: str, content: object) -> str:
    (source,) = load_inputs(write(tmp_path, relative, content)).sources
    assert source.status is SourceStatus.ERROR, source
    assert "\n" not in source.detail
    return source.detail


@pytest.mark.parametrize(
    ("relative", "content", "field"),
    [
        # an empty scope is read by arm_id as the root '/': one subscription's role would be everyone's
        ("roleAssignments.json", [arm_assignment(1, oid(1), OWNER, "")], "[0].scope"),
        ("sqlRoleAssignments.json", [sql_assignment(1, oid(1), READER, scope="")], "[0].scope"),
        # Graph leaves @odata.type out for the collection's own type; empty, it was damaged
        ("sps.json", page("servicePrincipals", sp(1, oid(101), "a", **{"@odata.type": ""})), "value[0].@odata.type"),
        ("users.json", page("users", user(1, "a@contoso.example", **{"@odata.type": ""})), "value[0].@odata.type"),
        # an agent user always has its parent agent identity, and only an agent user has one
        ("users.json", page("users", user(1, "a@x.example", **{"@odata.type": AGENT_USER})), "identityParentId"),
        ("users.json", page("users", user(1, "a@x.example", identityParentId=oid(9))), "value[0].@odata.type"),
        # a beta listing shows the flexible expression: a credential with neither it nor a subject was damaged
        (
            "applications/" + oid(10) + "/fics.json",
            page("applications/federatedIdentityCredentials", fic(1, None), beta=True),
            "value[0].subject",
        ),
        # ARM gives every system-assigned identity its principal, and names each user-assigned one
        (
            "resources.json",
            [arm_resource(VM, "Microsoft.Compute/virtualMachines", {"type": "SystemAssigned"})],
            "[0].identity.principalId",
        ),
        (
            "resources.json",
            [
                arm_resource(
                    VM, "Microsoft.Compute/virtualMachines", {"type": "UserAssigned", "userAssignedIdentities": {}}
                )
            ],
            "userAssignedIdentities",
        ),
        (
            "resources.json",
            [arm_resource(VM, "Microsoft.Compute/virtualMachines", None, tags={"owner": 7})],
            "[0].tags.owner",
        ),
    ],
)
def test_a_damaged_defaulted_field_is_an_error_naming_it(
    tmp_path: Path, relative: str, content: object, field: str
) -> None:
    detail = error_of(tmp_path, relative, content)
    assert field in detail and relative.rsplit("/", 1)[-1] in detail, detail


def test_a_cast_collection_implies_its_objects_type(tmp_path: Path) -> None:
    # /users/microsoft.graph.agentUser need not repeat the type on each object: read as agents, not people
    content = page("users/microsoft.graph.agentUser", user(1, "agent@contoso.example", identityParentId=oid(9)))
    found = inventory(write(tmp_path, "graph/users.json", content))
    (agent,) = found.identities
    assert agent.machine and agent.attributes.get("agent_user") is True


def test_a_v1_inline_flexible_credential_is_read_as_written(tmp_path: Path) -> None:
    # guard: v1.0 leaves a flexible credential's expression out (subject null): as written, not damaged
    content = page(
        "applications",
        {
            "id": oid(2),
            "appId": oid(101),
            "signInAudience": "AzureADMyOrg",
            "owners": [],
            "federatedIdentityCredentials": [fic(1, None)],
        },
    )
    (source,) = load_inputs(write(tmp_path, "graph/applications.json", content)).sources
    assert source.status is SourceStatus.USED, source


def test_an_object_without_a_navigation_the_others_have_is_read_and_named(tmp_path: Path) -> None:
    first, second = sp(1, oid(101), "a"), sp(2, oid(102), "b")
    del second["owners"]
    loaded = load_inputs(write(tmp_path, "graph/servicePrincipals.json", page("servicePrincipals", first, second)))
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL, source
    assert any("value[1].owners" in w and "read as none" in w for w in loaded.warnings), loaded.warnings
    assert len(loaded.documents) == 1


def test_a_site_without_its_kind_is_read_and_named(tmp_path: Path) -> None:
    content = [arm_resource(SITE, "Microsoft.Web/sites", None)]
    loaded = load_inputs(write(tmp_path, "resources.json", content))
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL, source
    assert any("[0].kind" in w and "function app" in w for w in loaded.warnings), loaded.warnings
    # a resource of a type whose kind is not read stays as written
    (other,) = load_inputs(
        write(tmp_path, "b/resources.json", [arm_resource(VM, "Microsoft.Compute/virtualMachines", None)])
    ).sources
    assert other.status is SourceStatus.USED, other
