"""AWS escalation methods as data: one TOML file per method in ``methods/``, loaded by :mod:`.catalog`."""

from nhi_scan.escalation.aws.catalog import (
    Method,
    interesting_actions,
    load_methods,
    methods_by_action,
    methods_by_id,
)

__all__ = ["Method", "interesting_actions", "load_methods", "methods_by_action", "methods_by_id"]
