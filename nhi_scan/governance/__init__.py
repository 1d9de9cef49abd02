"""Governance over scan results: configuration, suppressions, baselines and drift between reports."""

from __future__ import annotations

from nhi_scan.governance.apply import apply
from nhi_scan.governance.baseline import Baseline, load_baseline, write_baseline
from nhi_scan.governance.config import Config, ConfigError, Suppression, load_config

__all__ = [
    "Baseline",
    "Config",
    "ConfigError",
    "Suppression",
    "apply",
    "load_baseline",
    "load_config",
    "write_baseline",
]
