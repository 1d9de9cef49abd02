"""An Entra Agent ID agent user whose parent agent identity no longer exists (deleted with its blueprint): a user
account that nothing governs any more, still enabled, still a member of whatever it was added to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._entra import SERVICE_PRINCIPAL_KINDS, attribute_text, identities, resolve
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, Identity, IdentityKind, Severity

_PARENT_KEYS = ("identity_parent_id", "agent_identity_id", "parent_id")


def parent_of(user: Identity) -> str | None:
    """The agent identity an agent user belongs to (identityParentId), when the inventory says."""
    marker = user.attributes.get("agent_user")
    if not marker:
        return None
    if isinstance(marker, str) and marker.strip() and marker.strip().lower() not in ("true", "false"):
        return marker.strip()
    if isinstance(marker, Mapping):
        found = attribute_text(marker, *_PARENT_KEYS)
        if found:
            return found
    return attribute_text(user.attributes, *_PARENT_KEYS)


def run(context: CheckContext) -> Iterator[Finding]:
    if not any(i.kind in SERVICE_PRINCIPAL_KINDS for i in context.inventory.identities):
        return  # no service principal listing given: a missing parent says nothing
    for user in identities(context, (IdentityKind.USER,)):
        parent = parent_of(user)
        if parent is None or resolve(context, parent) is not None:
            continue
        state = "disabled" if user.enabled is False else "still enabled"
        yield CHECK.finding(
            subject=user.id,
            identity=user,
            message=(
                f"Agent user {user.name} belongs to agent identity {parent.rsplit('/', 1)[-1]}, which is not in the "
                f"tenant any more; the user is {state}."
            ),
            evidence={"identity_parent_id": parent, "enabled": user.enabled, "groups": list(user.groups)},
        )


CHECK = Check(
    id="azure-agent-user-orphaned",
    title="Agent user whose agent identity is gone",
    severity=Severity.MEDIUM,
    category=Category.STALE,
    owasp_nhi=("NHI1:2025",),
    description=(
        "Microsoft Entra Agent ID agent user (#microsoft.graph.agentUser) whose identityParentId names no agent "
        "identity of the inventory: its agent identity (often with its blueprint) was deleted, the user was not."
    ),
    remediation=(
        "Disable the agent user (az ad user update --id USER_ID --account-enabled false), check its group "
        "memberships and sign-ins, then delete it."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
