"""`nhi-scan collect gcp`: save projects' (or an organisation's) documents for a later `nhi-scan scan DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from nhi_scan.connectors.gcp.live import check_impersonate, check_organization, check_projects
from nhi_scan.errors import UsageError

EPILOG = """Examples:

  nhi-scan collect gcp --out snapshot/ && nhi-scan scan snapshot/

  nhi-scan collect gcp --project my-prod --project my-dev --out snapshot/

  nhi-scan collect gcp --organization 123456789012 --impersonate-service-account nhi@p.iam.gserviceaccount.com --out o/

  nhi-scan collect gcp --print-role > nhi-scan-role.yaml

Only read-only calls are made (list / get / getIamPolicy / search / query); key material and environment
variable values are never kept. Credentials: Application Default Credentials (gcloud auth
application-default login, GOOGLE_APPLICATION_CREDENTIALS, or the metadata server), optionally impersonating
a service account. Without --project or --organization: every project the credentials can see.

Exit codes: 0 collected (problems are recorded in DIR/errors/ and mark a later scan incomplete),
2 nothing could be collected, a usage error, or with --strict anything not collected."""


def gcp(
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory to write the documents to (new or empty).")
    ] = None,
    project: Annotated[
        list[str] | None,
        typer.Option("--project", help="Project ID (repeat; default: every project the credentials can see)."),
    ] = None,
    organization: Annotated[
        str | None,
        typer.Option("--organization", help="Organization ID: its policies, folders and every project under it."),
    ] = None,
    impersonate_service_account: Annotated[
        str | None,
        typer.Option("--impersonate-service-account", help="Service account (email) to impersonate over ADC."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Projects collected in parallel.")] = 4,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 2 when anything could not be collected.")] = False,
    print_role: Annotated[
        bool,
        typer.Option("--print-role", help="Print the minimal read-only custom role nhi-scan needs (YAML), and exit."),
    ] = False,
) -> None:
    """Collect GCP IAM, service accounts, keys, usage and workloads (read-only) into a directory."""
    # Imported here: nhi_scan.cli imports this module while it registers commands, so importing it back at the
    # top would be circular when this module is imported first.
    from nhi_scan.cli._common import err_console
    from nhi_scan.cli._live import empty_directory, ui_for
    from nhi_scan.connectors.gcp.live import COLLECTOR

    if print_role:
        from nhi_scan.connectors.gcp.fetch_permissions import role_yaml

        typer.echo(role_yaml(), nl=False)
        raise typer.Exit(0)
    if out is None:
        raise UsageError("collect gcp needs --out DIR (or --print-role)")
    values = {
        "gcp_projects": list(check_projects(project)),
        "gcp_organization": check_organization(organization),
        "gcp_impersonate": check_impersonate(impersonate_service_account),
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
    app.command(epilog=EPILOG)(gcp)
