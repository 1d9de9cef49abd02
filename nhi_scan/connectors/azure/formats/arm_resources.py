"""``az resource list``: every resource, with the ``identity`` block of those that run as managed identities
(system-assigned ``principalId``, ``userAssignedIdentities``)."""

from __future__ import annotations

import re

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import resource
from nhi_scan.connectors.azure.formats import arm_cosmos_sql_role_assignments as cosmos_assignments
from nhi_scan.connectors.azure.formats import arm_cosmos_sql_role_definitions as cosmos_definitions
from nhi_scan.connectors.azure.formats._common import any_of, has, items, sniff_items
from nhi_scan.connectors.azure.formats.arm_identities import is_identity
from nhi_scan.connectors.azure.formats.arm_identity_federated_credentials import is_credential
from nhi_scan.connectors.azure.formats.arm_key_vault_secrets import is_secret
from nhi_scan.connectors.azure.formats.arm_key_vaults import is_vault
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_RESOURCE = re.compile(r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/", re.IGNORECASE)
_NOT_RESOURCES = ("microsoft.authorization/",)


def is_resource(item: dict[str, object]) -> bool:
    return (
        has(item, "id", "type", "name")
        and _RESOURCE.match(str(item["id"])) is not None
        and any_of(item, "identity", "resourceGroup", "location")
        and not str(item["type"]).lower().startswith(_NOT_RESOURCES)
        and not (is_identity(item) or is_vault(item) or is_secret(item) or is_credential(item))
        and not (cosmos_assignments.is_assignment(item) or cosmos_definitions.is_definition(item))
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_resource)


def load(source: str, value: object) -> Records:
    return Records(tuple(resource(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-resources",
    provider=AZURE,
    description="az resource list (resources and their managed identities)",
    sniff_json=sniff,
    load=load,
    file_names=("resources.json",),
)
