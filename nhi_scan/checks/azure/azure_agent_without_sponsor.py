"""An Entra Agent ID agent identity without a sponsor: no person is accountable for what the AI agent does, for
reviewing its access, or for retiring it (the sponsor is who Entra asks)."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._entra import capital, describe, identities, resolve
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, IdentityKind, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for agent in identities(context, (IdentityKind.AGENT_IDENTITY,)):
        sponsors = agent.attributes.get("sponsors")
        if agent.enabled is False or not isinstance(sponsors, list | tuple) or sponsors:
            continue  # None: the export does not say (sponsors were not expanded)
        blueprint_id = agent.attributes.get("agent_blueprint_id")
        blueprint = next(
            (
                i
                for i in context.inventory.identities
                if i.kind is IdentityKind.APPLICATION
                and blueprint_id
                and str(i.attributes.get("app_id") or "").lower() == str(blueprint_id).lower()
            ),
            None,
        )
        owners = [o.name for o in (resolve(context, ref) for ref in agent.owners) if o is not None]
        yield CHECK.finding(
            subject=agent.id,
            identity=agent,
            message=(
                f"{capital(describe(agent))} has no sponsor"
                + (f" (blueprint {blueprint.name})" if blueprint is not None else "")
                + ": no person is accountable for the agent."
            ),
            evidence={
                "sponsors": [],
                "owners": list(agent.owners),
                "owner_names": owners,
                "agent_blueprint_id": blueprint_id,
                "blueprint": blueprint.id if blueprint is not None else None,
            },
        )


CHECK = Check(
    id="azure-agent-without-sponsor",
    title="AI agent identity has no sponsor",
    severity=Severity.MEDIUM,
    category=Category.HYGIENE,
    owasp_nhi=("NHI1:2025",),
    description=(
        "Microsoft Entra Agent ID agent identity whose sponsors list is empty (an export without sponsors expanded "
        "says nothing, and is not judged)."
    ),
    remediation=(
        "Add the person accountable for the agent as its sponsor (POST "
        "/beta/servicePrincipals/AGENT_ID/sponsors/$ref with the user's id); if nobody claims it, disable or delete "
        "the agent identity."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
