"""Builders for the Azure connector tests: small Graph, ARM and AzureHound documents in the shapes the tools print,
and a loader restricted to the Azure formats (the Azure provider plug-in is not registered yet)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from unittest import mock

from nhi_scan.connectors import loader
from nhi_scan.connectors.azure.parse import parse
from nhi_scan.connectors.formats import InputFormat, formats_in
from nhi_scan.model import Inventory

ROOT = Path(__file__).resolve().parents[2]
TENANT_DIR = ROOT / "sample_data" / "azure"
AZUREHOUND_FILE = ROOT / "tests" / "fixtures" / "azure" / "azurehound.json"
TENANT = "4a1c5e3b-7f2d-4c8a-b6e1-3d5f7a9c1e24"
MICROSOFT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
SUB = "3f6c2b8e-1d4a-4e7b-9c05-8a2f61d4b7e3"
V1 = "https://graph.microsoft.com/v1.0/$metadata#"
BETA = "https://graph.microsoft.com/beta/$metadata#"


def oid(number: int) -> str:
    """A distinct object id (GUID) per number."""
    return f"00000000-0000-4000-8000-{number:012x}"


def azure_formats() -> tuple[InputFormat, ...]:
    return formats_in("nhi_scan.connectors.azure.formats")


def claimed_by(value: object) -> list[str]:
    """The Azure formats whose content test accepts ``value``."""
    return [f.name for f in azure_formats() if f.sniff_json is not None and f.sniff_json(value)]


def load_inputs(*paths: Path) -> loader.LoadedInputs:
    """The real loader (recognition, file-name fallback, directory convention), with the Azure formats only."""
    with mock.patch.object(loader, "all_formats", azure_formats):
        return loader.load_inputs(list(paths))


def inventory(*paths: Path, owner_tag_keys: Sequence[str] = ("owner",)) -> Inventory:
    loaded = load_inputs(*paths)
    failed = [s.detail for s in loaded.sources if s.failed]
    assert not failed, failed
    return parse(loaded.documents, owner_tag_keys=owner_tag_keys)


def write(root: Path, relative: str, value: object) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value if isinstance(value, str) else json.dumps(value, indent=1), encoding="utf-8")
    return path


def page(collection: str, *items: dict[str, Any], beta: bool = False, next_link: bool = False) -> dict[str, Any]:
    found: dict[str, Any] = {"@odata.context": (BETA if beta else V1) + collection, "value": list(items)}
    if next_link:
        found["@odata.nextLink"] = f"https://graph.microsoft.com/v1.0/{collection}?$skiptoken=X"
    return found


def secret(
    key: int, *, start: str = "2026-01-01T00:00:00Z", end: str = "2027-01-01T00:00:00Z", **extra: Any
) -> dict[str, Any]:
    return {
        "customKeyIdentifier": None,
        "displayName": extra.pop("displayName", None),
        "endDateTime": end,
        "hint": "abc",
        "keyId": oid(0x900 + key),
        "startDateTime": start,
        **extra,
    }


def certificate(key: int, *, start: str = "2026-01-01T00:00:00Z", end: str = "2027-01-01T00:00:00Z") -> dict[str, Any]:
    return {
        "customKeyIdentifier": "51B060655ADEAFC58CE1BE44EA1AC63C4F8AE6A5",
        "displayName": "CN=app",
        "endDateTime": end,
        "key": None,
        "keyId": oid(0xA00 + key),
        "startDateTime": start,
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    }


def sp(number: int, app_id: str, name: str, **fields: Any) -> dict[str, Any]:
    """A servicePrincipal as ``GET /servicePrincipals?$expand=owners`` prints it."""
    return {
        "id": oid(number),
        "accountEnabled": True,
        "alternativeNames": [],
        "appDisplayName": name,
        "appId": app_id,
        "appOwnerOrganizationId": TENANT,
        "appRoles": [],
        "createdDateTime": "2024-05-01T10:00:00Z",
        "displayName": name,
        "keyCredentials": [],
        "passwordCredentials": [],
        "servicePrincipalNames": [app_id],
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "owners": [],
        **fields,
    }


def managed_identity(number: int, resource_id: str, *, user_assigned: bool) -> dict[str, Any]:
    name = resource_id.rsplit("/", 1)[-1]
    return sp(
        number,
        oid(0x500 + number),
        name,
        appDisplayName=None,
        appOwnerOrganizationId=MICROSOFT,
        alternativeNames=[f"isExplicit={user_assigned}", resource_id],
        servicePrincipalType="ManagedIdentity",
        keyCredentials=[certificate(number)],
    )


def app(number: int, app_id: str, name: str, **fields: Any) -> dict[str, Any]:
    """An application as ``GET /applications?$expand=owners,federatedIdentityCredentials`` prints it."""
    return {
        "id": oid(number),
        "appId": app_id,
        "createdDateTime": "2024-05-01T09:55:00Z",
        "displayName": name,
        "identifierUris": [],
        "keyCredentials": [],
        "passwordCredentials": [],
        "publisherDomain": "contoso.example",
        "requiredResourceAccess": [],
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "owners": [],
        "federatedIdentityCredentials": [],
        **fields,
    }


def user(number: int, upn: str, **fields: Any) -> dict[str, Any]:
    return {
        "accountEnabled": True,
        "createdDateTime": "2020-01-01T00:00:00Z",
        "displayName": upn.split("@", 1)[0],
        "id": oid(number),
        "userPrincipalName": upn,
        "userType": "Member",
        **fields,
    }


def group(number: int, name: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": oid(number),
        "displayName": name,
        "groupTypes": [],
        "isAssignableToRole": False,
        "mailEnabled": False,
        "securityEnabled": True,
        "owners": [],
        **fields,
    }


def ref(kind: str, number: int, **fields: Any) -> dict[str, Any]:
    """An expanded directory object (owner, member, sponsor)."""
    return {"@odata.type": f"#microsoft.graph.{kind}", "id": oid(number), **fields}


def fic(number: int, subject: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "audiences": ["api://AzureADTokenExchange"],
        "description": None,
        "id": oid(0xF00 + number),
        "issuer": "https://token.actions.githubusercontent.com",
        "name": f"github-{number}",
        "subject": subject,
        **fields,
    }


def arm_assignment(
    number: int, principal: str, role: str, scope: str, principal_type: str | None = "ServicePrincipal", **fields: Any
) -> dict[str, Any]:
    """``az role assignment list`` (flattened)."""
    found = {
        "condition": None,
        "conditionVersion": None,
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{oid(0xC00 + number)}",
        "name": oid(0xC00 + number),
        "principalId": principal,
        "principalType": principal_type,
        "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "scope": scope,
        "type": "Microsoft.Authorization/roleAssignments",
        **fields,
    }
    return {k: v for k, v in found.items() if v is not None or k in ("condition", "conditionVersion")}


def arm_resource(resource_id: str, arm_type: str, identity: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    """``az resource list``."""
    return {
        "id": resource_id,
        "identity": identity,
        "kind": None,
        "location": "westeurope",
        "name": resource_id.rsplit("/", 1)[-1],
        "resourceGroup": resource_id.split("/")[4],
        "tags": {},
        "type": arm_type,
        **fields,
    }


def hound(*entries: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """AzureHound's file output."""
    return {
        "data": [{"kind": k, "data": d} for k, d in entries],
        "meta": {"type": "azure", "version": 5, "count": len(entries)},
    }
