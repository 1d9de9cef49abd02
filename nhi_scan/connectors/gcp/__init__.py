"""GCP connector: its input formats, the pure parser and the live collector. ``GCP`` is the cloud's provider id."""

from __future__ import annotations

from nhi_scan.model import Provider

GCP = Provider("gcp")

__all__ = ["GCP"]
