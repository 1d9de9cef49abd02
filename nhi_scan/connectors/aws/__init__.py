"""AWS connector: its input formats, the pure parser and the live collector. ``AWS`` is the cloud's provider id."""

from __future__ import annotations

from nhi_scan.model import Provider

AWS = Provider("aws")

__all__ = ["AWS"]
