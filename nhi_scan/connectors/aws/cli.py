"""`nhi-scan collect aws`: save an account's (or organisation's) documents for a later `nhi-scan scan DIR`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from nhi_scan.cli._common import err_console
from nhi_scan.cli._live import collect_live, empty_directory
from nhi_scan.connectors.aws.live import DEFAULT_ROLE_NAME, check_regions
from nhi_scan.errors import UsageError

EPILOG = """Examples:

  nhi-scan collect aws --out snapshot/ && nhi-scan scan snapshot/

  nhi-scan collect aws --profile audit --region eu-west-1 --region us-east-1 --out snapshot/

  nhi-scan collect aws --org --role-name OrganizationAccountAccessRole --out org-snapshot/

Only read-only calls are made (List/Get/Describe, plus the credential report and Access Advisor report jobs).
Credentials: the default AWS chain (environment, SSO profile, assumed role, instance role) or --profile.

Exit codes: 0 collected (problems are recorded in DIR/**/errors/ and mark a later scan incomplete),
2 nothing could be collected, a usage error, or with --strict anything not collected."""


def aws(
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory to write the documents to (new or empty).")
    ] = None,
    org: Annotated[bool, typer.Option("--org", help="Every account of the AWS Organization.")] = False,
    profile: Annotated[str | None, typer.Option("--profile", help="AWS profile (default credential chain).")] = None,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", help="Region for workloads (repeat; default: every region enabled in the account)."),
    ] = None,
    role_name: Annotated[
        str, typer.Option("--role-name", help="Role assumed in each member account with --org.")
    ] = DEFAULT_ROLE_NAME,
    workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="Accounts collected in parallel.")] = 4,
    no_access_advisor: Annotated[
        bool, typer.Option("--no-access-advisor", help="Skip Access Advisor (one report job per user and role).")
    ] = False,
    no_workloads: Annotated[
        bool, typer.Option("--no-workloads", help="Skip instances, functions, agents... (IAM only).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 2 when anything could not be collected.")] = False,
    print_policy: Annotated[
        bool, typer.Option("--print-policy", help="Print the minimal read-only IAM policy nhi-scan needs, and exit.")
    ] = False,
) -> None:
    """Collect AWS IAM, credentials, usage and workloads (read-only) into a directory."""
    from nhi_scan.connectors.aws import AWS
    from nhi_scan.providers import provider

    if print_policy:
        from nhi_scan.connectors.aws.fetch_policy import scanner_policy

        typer.echo(json.dumps(scanner_policy(role_name), indent=2))
        raise typer.Exit(0)
    if out is None:
        raise UsageError("collect aws needs --out DIR (or --print-policy)")
    values = {
        "profile": profile,
        "region": list(check_regions(region)),
        "org": org,
        "role_name": role_name,
        "workers": workers,
        "access_advisor": not no_access_advisor,
        "workloads": not no_workloads,
    }
    empty_directory(out)
    complete = collect_live(provider(AWS), out, values, quiet=quiet)
    if not quiet:
        state = "complete" if complete else "[yellow]incomplete[/] (see the warnings; a scan will say so too)"
        err_console.print(f"collected into {escape(str(out))}: {state}")
    raise typer.Exit(2 if strict and not complete else 0)


def register(app: typer.Typer) -> None:
    app.command(epilog=EPILOG)(aws)
