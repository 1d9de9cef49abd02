"""AzureHound output (``azurehound list -o FILE``): ``{"data": [{"kind": "AZ...", "data": {...}}], "meta": {"type":
"azure", "version": 5, "count": N}}``, read as a full input (identities, owners, members, grants, resources)."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.azurehound import load, sniff
from nhi_scan.connectors.formats import InputFormat

FORMAT = InputFormat(
    name="azure-azurehound",
    provider=AZURE,
    description="AzureHound output (azurehound list)",
    sniff_json=sniff,
    load=load,
)
