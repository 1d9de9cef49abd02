"""Connectors: turn provider documents (exported files or live API answers) into an Inventory."""
