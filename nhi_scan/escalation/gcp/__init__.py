"""GCP escalation and lateral-movement methods as data: one TOML file per method in ``methods/``.

:mod:`.catalog` reads and validates the files on first use (nothing at import time); the graph builder applies
them to the principals' effective permissions. ``README.md`` next to this file describes the schema.
"""
