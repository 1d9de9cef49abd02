"""Three-valued logic and the final decision of an evaluation.

Offline analysis cannot know every request key (source IP, request tags...), so a condition is TRUE, FALSE or
UNKNOWN. Ordering FALSE < UNKNOWN < TRUE makes AND = ``min``, OR = ``max`` and NOT = mirror (Kleene logic).
"""

from __future__ import annotations

import enum

from nhi_scan.tri import Tri

__all__ = ["Decision", "Tri", "decide"]


class Decision(enum.StrEnum):
    """Outcome of evaluating one request.

    ALLOW: certainly allowed. CONDITIONAL: allowed only if conditions unknown offline hold (or a conditional Deny
    does not apply). DENY: an explicit Deny certainly applies. IMPLICIT_DENY: nothing allows it.
    """

    ALLOW = "allow"
    CONDITIONAL = "conditional"
    DENY = "deny"
    IMPLICIT_DENY = "implicit-deny"

    @property
    def possible(self) -> bool:
        """True when the request may succeed (ALLOW or CONDITIONAL)."""
        return self is Decision.ALLOW or self is Decision.CONDITIONAL


def decide(allowed: Tri, denied: Tri) -> Decision:
    """Combine "some layer chain allows" and "some Deny applies" into a Decision.

    A certain Deny wins; no possible Allow is an implicit deny; a certain Allow with no possible Deny is ALLOW;
    everything else (unknown Allow, or an Allow shadowed by an unknown Deny) is CONDITIONAL.
    """
    if denied is Tri.TRUE:
        return Decision.DENY
    if allowed is Tri.FALSE:
        return Decision.IMPLICIT_DENY
    if allowed is Tri.TRUE and denied is Tri.FALSE:
        return Decision.ALLOW
    return Decision.CONDITIONAL
