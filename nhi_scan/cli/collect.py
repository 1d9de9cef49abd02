"""`nhi-scan collect <cloud>`: save a cloud's documents for a later `nhi-scan scan DIR` (one sub-command per
provider plug-in with a live collector)."""

from __future__ import annotations

import typer

from nhi_scan.cli._live import live_providers

collect_app = typer.Typer(
    help="Save a cloud's raw documents to a directory, in the formats `nhi-scan scan` reads.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    for plugin in live_providers():
        if plugin.live is not None and plugin.live.register_collect is not None:
            plugin.live.register_collect(collect_app)
    app.add_typer(collect_app, name="collect")
