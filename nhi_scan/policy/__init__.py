"""Offline policy evaluation, one sub-package per cloud (pure: no I/O beyond packaged data)."""
