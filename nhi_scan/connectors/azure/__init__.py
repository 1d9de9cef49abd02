"""Azure / Microsoft Entra connector: input formats, the pure parser and the live collector. ``AZURE`` is the
cloud's provider id."""

from __future__ import annotations

from nhi_scan.model import Provider

AZURE = Provider("azure")

__all__ = ["AZURE"]
