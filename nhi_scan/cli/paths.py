"""`nhi-scan paths`: how an identity reaches admin (or another identity), and who can become a given identity."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.tree import Tree

from nhi_scan.checks._paths import admin_nodes
from nhi_scan.cli._common import JobsOption, parse_jobs, parse_now
from nhi_scan.cli._progress import scan_progress
from nhi_scan.engine import analyse
from nhi_scan.errors import UsageError
from nhi_scan.graph import IdentityGraph, NodeKind
from nhi_scan.model import PathHop
from nhi_scan.reach import hops, reach_towards
from nhi_scan.reporters._text import escape
from nhi_scan.settings import Settings

EPILOG = """Examples:

  nhi-scan paths ./exports/ --from ci-deploy                 # ci-deploy's shortest path to admin

  nhi-scan paths ./exports/ --from ci-deploy --to lambda-ops-admin

  nhi-scan paths ./exports/ --to lambda-ops-admin            # who can become this role, and how

  nhi-scan paths ./exports/ --from key-rotator -f json

  nhi-scan paths aws/ gcp/ azure/ --to servicePrincipals/OBJECT_ID   # from any cloud, or from outside (entry points)

IDs are as the report shows them (AWS ARNs, GCP serviceAccount:EMAIL, Azure servicePrincipals/OBJECT_ID); a name
(or kind/name, e.g. service-principal/deploy-bot) works when it is unique. Paths prefer hops that hold for certain; a
hop marked (conditional) holds only if a condition or resource that an export cannot show is there."""


def resolve(graph: IdentityGraph, text: str) -> str:
    """An identity id, an alias (GCP email, Azure object / app id), or a unique name (or kind/name)."""
    if graph.identity(text) is not None or text in graph.nx:
        return text
    matches = [i.id for i in graph.identities() if text in (i.name, f"{i.kind}/{i.name}") or text in i.aliases]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(f"no identity named {text!r} in the inputs (give its id or exact name)")
    raise UsageError(f"{text!r} names {len(matches)} identities; give the id: " + ", ".join(sorted(matches)[:5]))


def _cloud(graph: IdentityGraph, node: str) -> str:
    """The cloud of an identity ("" for an entry point or an admin target)."""
    identity = graph.identity(node)
    return identity.provider if identity is not None else ""


def _named(graph: IdentityGraph, node: str) -> str:
    cloud = _cloud(graph, node)
    kind = graph.node_kind(node)
    prefix = "entry point: " if kind is NodeKind.ISSUER else ""
    return f"{prefix}{graph.label(node)}" + (f" [{cloud}]" if cloud else "")


def _tree(graph: IdentityGraph, start: str, path: tuple[PathHop, ...], conditional: set[str]) -> Tree:
    root = Tree(f"[bold]{escape(_named(graph, start))}[/]")
    node = root
    for hop in path:
        flag = " [yellow](conditional)[/]" if hop.target in conditional else ""
        branch = node.add(f"[cyan]{escape(hop.edge)}[/] → [bold]{escape(_named(graph, hop.target))}[/]{flag}")
        branch.add(f"[dim]{escape(hop.reason)}[/]")
        node = branch
    return root


def _hop_json(graph: IdentityGraph, hop: PathHop) -> dict[str, str]:
    return {
        "from": hop.source,
        "to": hop.target,
        "edge": hop.edge,
        "reason": hop.reason,
        "from_cloud": _cloud(graph, hop.source),
        "to_cloud": _cloud(graph, hop.target),
    }


def paths(
    inputs: Annotated[list[Path], typer.Argument(help="Export files or directories (searched recursively).")],
    source: Annotated[str | None, typer.Option("--from", help="Identity id or unique name to start from.")] = None,
    target: Annotated[
        str | None, typer.Option("--to", help="'admin' (default with --from) or an identity id / unique name.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="tree or json.")] = "tree",
    now: Annotated[str | None, typer.Option("--now", help="Judge time-based conditions at this ISO 8601 time.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
    jobs: JobsOption = None,
) -> None:
    """Print escalation and lateral-movement paths with the permissions and policy behind each hop."""
    if source is None and target is None:
        raise UsageError("give --from IDENTITY (its path to admin) and/or --to IDENTITY (who can become it)")
    if fmt not in ("tree", "json"):
        raise typer.BadParameter(f"unknown format {fmt!r} (tree or json)", param_hint="'-f'")
    moment = parse_now(now) or datetime.now(UTC)
    with scan_progress(quiet=quiet) as progress:
        graph = analyse(inputs, settings=Settings(), now=moment, progress=progress, jobs=parse_jobs(jobs)).graph
    to_admin = target is None or target.lower() == "admin"
    goals = sorted(admin_nodes(graph)) if to_admin else [resolve(graph, target or "")]
    certain = reach_towards(graph, goals, allow_conditional=False)
    possible = reach_towards(graph, goals, allow_conditional=True)
    starts = (
        [resolve(graph, source)]
        if source
        else sorted(
            node
            for node in possible.first_edge
            if graph.identity(node) is not None or graph.node_kind(node) is NodeKind.ISSUER
        )
    )
    results = []
    for start in starts:
        reach = certain if certain.reaches(start) else possible
        edges = reach.path(start)
        conditional = {e.target for e in edges if e.conditional}
        results.append((start, hops(graph, edges), conditional, reach is possible and not certain.reaches(start)))
    what = "admin" if to_admin else graph.label(goals[0])
    if fmt == "json":
        document = [
            {
                "from": start,
                "from_label": graph.label(start),
                "entry_point": graph.node_kind(start) is NodeKind.ISSUER,
                "to": what,
                "conditional": cond,
                "clouds": list(
                    dict.fromkeys(c for c in (_cloud(graph, n) for n in [start, *(h.target for h in path)]) if c)
                ),
                "path": [_hop_json(graph, h) for h in path],
            }
            for start, path, _, cond in results
            if path
        ]
        typer.echo(json.dumps(document, indent=2))
        return
    console = Console(highlight=False)
    found = [r for r in results if r[1]]
    if not found:
        subject = graph.label(starts[0]) if source else "no identity"
        console.print(f"{escape(subject)}: no path to {escape(what)} found")
        return
    if not source:
        entries = sum(1 for r in found if graph.node_kind(r[0]) is NodeKind.ISSUER)
        who = f"{len(found) - entries} identities" + (f" and {entries} entry points from outside" if entries else "")
        console.print(f"[bold]{who}[/] can become {escape(what)}:")
    for start, path, conditional, _ in found:
        console.print(_tree(graph, start, path, conditional))


def register(app: typer.Typer) -> None:
    app.command(epilog=EPILOG)(paths)
