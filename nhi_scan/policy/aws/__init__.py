"""AWS IAM policy evaluation: pure, offline, typed, fast enough for estates of 100k principals.

Entry points: ``PolicyCache`` (one per scan), ``PrincipalPermissions.from_grants`` (one per principal),
``can_assume`` / ``trusted_parties`` for role trust policies, ``catalog`` for the real list of AWS actions.
Importing this package loads no data: the action catalogue is read on first use.
"""

from __future__ import annotations

from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.compiled import CompiledPolicy, PolicySource, compile_policy
from nhi_scan.policy.aws.context import UNKNOWN, RequestContext
from nhi_scan.policy.aws.evaluate import Evaluation, LayerKind, StatementMatch
from nhi_scan.policy.aws.permissions import ActionQuery, PrincipalPermissions, context_for_identity
from nhi_scan.policy.aws.scope import ResourceScope
from nhi_scan.policy.aws.tri import Decision, Tri
from nhi_scan.policy.aws.trust import AssumeEvaluation, TrustedParties, can_assume, trusted_parties

__all__ = [
    "UNKNOWN",
    "ActionQuery",
    "AssumeEvaluation",
    "CompiledPolicy",
    "Decision",
    "Evaluation",
    "LayerKind",
    "PolicyCache",
    "PolicySource",
    "PrincipalPermissions",
    "RequestContext",
    "ResourceScope",
    "StatementMatch",
    "Tri",
    "TrustedParties",
    "can_assume",
    "compile_policy",
    "context_for_identity",
    "trusted_parties",
]
