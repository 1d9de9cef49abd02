"""ARM REST answers -> the JSON the az CLI prints for the same listing (what ``connectors/azure/README.md`` names
and the parser reads): ``properties`` flattened into the object where az flattens them, ``resourceGroup`` added,
Key Vault secrets in the shape of ``az keyvault secret list`` (names and dates; a value is never copied)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

_GROUP = re.compile(r"/resourceGroups/([^/]+)", re.IGNORECASE)
_VAULT_URI = re.compile(r"^(https://[^/]+)/?", re.IGNORECASE)
#: Secret attributes: ARM name (Unix seconds) -> az name (ISO 8601).
_SECRET_DATES = (("created", "created"), ("exp", "expires"), ("nbf", "notBefore"), ("updated", "updated"))


def resource_group(identifier: object) -> str | None:
    match = _GROUP.search(str(identifier or ""))
    return match.group(1) if match else None


def with_group(item: Mapping[str, Any]) -> dict[str, Any]:
    """The object with ``resourceGroup`` (from its id) after its other fields, as az prints it."""
    found = dict(item)
    group = resource_group(item.get("id"))
    if group is not None and "resourceGroup" not in found:
        found["resourceGroup"] = group
    return found


def flattened(item: Mapping[str, Any], renamed: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``properties`` merged into the object (``renamed``: property -> the name az gives it), ``resourceGroup``
    added: the shape of ``az role assignment list``, ``az identity list`` and their kin."""
    properties = item.get("properties")
    found = {key: value for key, value in item.items() if key != "properties"}
    if isinstance(properties, Mapping):
        for key, value in properties.items():
            found[(renamed or {}).get(key, key)] = value
    return with_group(found)


def role_assignment(item: Mapping[str, Any]) -> dict[str, Any]:
    return flattened(item)


def role_definition(item: Mapping[str, Any]) -> dict[str, Any]:
    """``roleType`` (BuiltInRole / CustomRole) is ``properties.type`` in REST; ``type`` stays the ARM type."""
    found = flattened(item, {"type": "roleType"})
    found["type"] = item.get("type", "Microsoft.Authorization/roleDefinitions")
    found.pop("resourceGroup", None)
    return found


def identity(item: Mapping[str, Any]) -> dict[str, Any]:
    return flattened(item)


def identity_credential(item: Mapping[str, Any]) -> dict[str, Any]:
    return flattened(item)


def _obj(item: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    found = item.get(key)
    return found if isinstance(found, Mapping) else {}


def _iso(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value if isinstance(value, str) else None
    return datetime.fromtimestamp(value, UTC).isoformat()


def vault_secret(item: Mapping[str, Any], vault: Mapping[str, Any]) -> dict[str, Any]:
    """One ARM secret (``vaults/V/secrets``) as ``az keyvault secret list`` prints it: id (the secret's URI),
    name, content type, tags and attributes. Only these fields are copied: nothing else the answer holds."""
    properties = _obj(item, "properties")
    raw = _obj(properties, "attributes")
    name = str(item.get("name") or str(item.get("id", "")).rsplit("/", 1)[-1])
    uri = properties.get("secretUri")
    if not isinstance(uri, str) or not uri.startswith("https://"):
        match = _VAULT_URI.match(str(_obj(vault, "properties").get("vaultUri") or ""))
        host = match.group(1) if match else f"https://{vault.get('name')}.vault.azure.net"
        uri = f"{host}/secrets/{name}"
    attributes: dict[str, Any] = {"enabled": raw.get("enabled")}
    for arm_name, az_name in _SECRET_DATES:
        attributes[az_name] = _iso(raw.get(arm_name))
    for extra in ("recoverableDays", "recoveryLevel"):
        if extra in raw:
            attributes[extra] = raw[extra]
    return {
        "attributes": dict(sorted(attributes.items())),
        "contentType": properties.get("contentType"),
        "id": uri.rstrip("/"),
        "managed": properties.get("managed"),
        "name": name,
        "tags": item.get("tags") or {},
    }
