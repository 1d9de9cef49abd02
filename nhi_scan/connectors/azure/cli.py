"""`nhi-scan collect azure`: save a tenant's Microsoft Graph and Azure Resource Manager documents for a later
`nhi-scan scan DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from nhi_scan.connectors.azure.live import check_subscriptions, check_tenant
from nhi_scan.errors import UsageError

EPILOG = """Examples:

  nhi-scan collect azure --out snapshot/ && nhi-scan scan snapshot/

  nhi-scan collect azure --tenant contoso.onmicrosoft.com --subscription SUB_ID --subscription SUB_ID --out s/

  nhi-scan collect azure --print-permissions

Only GETs are made; secret values are never read (Key Vault secrets are listed through Azure Resource Manager:
names and dates only) and credential material in an answer is dropped before anything is written. Credentials:
DefaultAzureCredential (AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET or a certificate, workload
identity, managed identity, az login). Without --subscription: every subscription the credentials can see.

Exit codes: 0 collected (problems are recorded in DIR/errors/ and mark a later scan incomplete),
2 nothing could be collected, a usage error, or with --strict anything not collected."""


def azure(
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory to write the documents to (new or empty).")
    ] = None,
    tenant: Annotated[
        str | None,
        typer.Option("--tenant", help="Tenant ID or domain (default: the credentials' home tenant)."),
    ] = None,
    subscription: Annotated[
        list[str] | None,
        typer.Option("--subscription", help="Subscription ID (repeat; default: every one the credentials can see)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Subscriptions collected in parallel.")] = 4,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 2 when anything could not be collected.")] = False,
    print_permissions: Annotated[
        bool,
        typer.Option(
            "--print-permissions", help="Print the minimal Graph permissions and Azure role nhi-scan needs, and exit."
        ),
    ] = False,
) -> None:
    """Collect Microsoft Entra applications, service principals, roles and Azure RBAC (read-only) into a directory."""
    # Imported here: nhi_scan.cli imports this module while it registers commands, so importing it back at the
    # top would be circular when this module is imported first.
    from nhi_scan.cli._common import err_console
    from nhi_scan.cli._live import empty_directory, ui_for
    from nhi_scan.connectors.azure.live import COLLECTOR

    if print_permissions:
        from nhi_scan.connectors.azure.fetch_permissions import permissions_text

        typer.echo(permissions_text(), nl=False)
        raise typer.Exit(0)
    if out is None:
        raise UsageError("collect azure needs --out DIR (or --print-permissions)")
    values = {
        "azure_tenant": check_tenant(tenant),
        "azure_subscriptions": list(check_subscriptions(subscription)),
        "workers": workers,
    }
    empty_directory(out)
    ui, live = ui_for(quiet=quiet, warn=True)
    if live is None:
        complete = COLLECTOR.collect(out, values, ui)
    else:
        with live:
            complete = COLLECTOR.collect(out, values, ui)
    if not quiet:
        state = "complete" if complete else "[yellow]incomplete[/] (see the warnings; a scan will say so too)"
        err_console.print(f"collected into {escape(str(out))}: {state}")
    raise typer.Exit(2 if strict and not complete else 0)


def register(app: typer.Typer) -> None:
    app.command(epilog=EPILOG)(azure)
