"""`nhi-scan suggest-policy`: print a right-sized IAM policy for one identity, from its Access Advisor usage."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from nhi_scan.cli._common import err_console, parse_now
from nhi_scan.connectors.loader import load_inputs
from nhi_scan.engine import parse_documents
from nhi_scan.errors import UsageError
from nhi_scan.inventory import find_identity
from nhi_scan.plugin import PolicySuggestion
from nhi_scan.providers import provider
from nhi_scan.settings import Settings

EPILOG = """Examples:

  nhi-scan suggest-policy snapshot/ ci-deploy > ci-deploy-policy.json

  nhi-scan suggest-policy snapshot/ arn:aws:iam::111122223333:role/etl --used-within 180

The policy goes to stdout (JSON); what usage data cannot show goes to stderr. Needs Access Advisor data:
`nhi-scan collect aws --out snapshot/` collects it."""


def suggest_policy(
    inputs: Annotated[list[Path], typer.Argument(help="Export files or directories, with Access Advisor data.")],
    identity: Annotated[str, typer.Argument(help="ARN or name of the user or role.")],
    used_within: Annotated[
        int, typer.Option("--used-within", min=1, help="Keep what was used in the last DAYS days [90].")
    ] = 90,
    now: Annotated[str | None, typer.Option("--now", help="Judge usage at this ISO 8601 time.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the policy; no notes on stderr.")] = False,
) -> None:
    """Print a least-privilege policy for an identity: what it used, from what it was granted."""
    if not inputs:
        raise UsageError("give export files or directories, then the identity")
    loaded = load_inputs(inputs)
    if not loaded.documents:
        raise UsageError(f"{', '.join(map(str, inputs))}: no usable export")
    inventory = parse_documents(loaded.documents, Settings())
    moment = parse_now(now) or datetime.now(UTC)
    plugin = provider(find_identity(inventory, identity).provider)
    if plugin.suggest_policy is None:
        raise UsageError(f"{identity}: suggest-policy does not support {plugin.display_name} identities yet")
    result = plugin.suggest_policy(inventory, identity, moment, used_within)
    typer.echo(json.dumps(result.document, indent=2))
    if quiet:
        return
    err_console.print(_summary(result, used_within), soft_wrap=True)
    for note in (*result.notes, *result.caveats):
        err_console.print(f"[yellow]note:[/] {escape(note)}", soft_wrap=True)
    if any(s.status.value == "error" for s in loaded.sources):
        err_console.print("[yellow]note:[/] some inputs could not be used: usage or grants may be incomplete")


def _allowed_services(document: Mapping[str, Any]) -> set[str]:
    """Service prefixes the suggested policy still allows."""
    found: set[str] = set()
    for statement in document.get("Statement", []):
        actions = statement.get("Action", []) if statement.get("Effect") == "Allow" else []
        found.update(a.split(":", 1)[0].lower() for a in ([actions] if isinstance(actions, str) else actions))
    return found


def _summary(result: PolicySuggestion, used_within: int) -> str:
    """What was kept and dropped; an unused service whose untracked actions stay (iam:PassRole) is not "dropped"."""
    still = _allowed_services(result.document)
    dropped = [s for s in result.removed_services if s not in still]
    untracked = [s for s in result.removed_services if s in still]
    text = (
        f"{escape(result.identity.id)}: keeps {len(result.used_services)} services used in the last {used_within} "
        f"days ({escape(', '.join(result.used_services) or 'none')}); drops {len(dropped)} unused"
        + (f" ({escape(', '.join(dropped))})" if dropped else "")
    )
    if untracked:
        text += f"; {escape(', '.join(untracked))}: no use on record, but its untracked actions are kept"
    return text + "."


def register(app: typer.Typer) -> None:
    app.command("suggest-policy", epilog=EPILOG)(suggest_policy)
