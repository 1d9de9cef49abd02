"""The provider plug-in seam: what a cloud brings to nhi-scan, and nothing more.

A cloud (AWS, GCP, Azure, or any other) is one ``ProviderPlugin``, found by discovery (``nhi_scan.providers``). It
brings its input formats, its pure parser (documents -> ``Inventory``), its analysis (effective permissions,
admin-equivalence, escalation edges added to the shared graph), the warnings only it understands, its checks, its
remediation for the neutral checks, and its live collector with its command-line options. The engine, the graph,
the neutral checks and the reporters know only this interface.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from nhi_scan.connectors.secret_shapes import SecretShapes
from nhi_scan.model import Identity, Inventory, IssuedToken, Provider

if TYPE_CHECKING:
    import typer

    from nhi_scan.connectors.formats import InputFormat
    from nhi_scan.connectors.loader import LoadedDocument
    from nhi_scan.graph import IdentityGraph


class Verdict(enum.Enum):
    """A provider's answer to "may this identity do that?", in words every cloud shares."""

    ALLOWED = "allowed"
    #: Allowed only if something unknown offline holds (a condition, a group membership...).
    CONDITIONAL = "conditional"
    DENIED = "denied"

    @property
    def possible(self) -> bool:
        return self is not Verdict.DENIED


class ProviderAnalysis(Protocol):
    """What a provider's analysis exposes besides the edges it added to the graph (ADMIN_OF edges to admin targets,
    escalation and lateral-movement edges). Cloud-specific checks may read more of their own cloud's analysis."""

    def analysed(self, identity_id: str) -> bool:
        """Whether the identity's effective permissions were evaluated."""
        ...

    def admin_equivalent(self, identity_id: str) -> Verdict:
        """Whether the identity effectively holds every permission of its scope."""
        ...

    def allows(self, identity_id: str, action: str, resource: str = "*") -> Verdict:
        """Whether the identity may perform ``action`` (the cloud's own spelling) on ``resource``."""
        ...

    def warnings(self) -> Sequence[str]:
        """What the analysis could not judge (roles it does not know...), for the report's warnings."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseOptions:
    #: Tag / label keys that name an identity's owner (case-insensitive), in order of preference.
    owner_tag_keys: tuple[str, ...]


#: Called by an analysis once every principal's effective permissions are known, before escalation edges are added
#: (the engine starts the permission-only checks there).
PermissionsKnown = Callable[[ProviderAnalysis], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysisRequest:
    graph: IdentityGraph
    #: This provider's part of the scanned inventory.
    inventory: Inventory
    now: datetime | None
    jobs: int = 1
    permissions_known: PermissionsKnown | None = None


class CollectUi(Protocol):
    """Progress and warnings of a live collection (a spinner per account / project on a terminal)."""

    def phase(self, scope: str, text: str) -> None: ...

    def finished(self, scope: str, text: str, ok: bool) -> None: ...

    def warn(self, text: str) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveOption:
    """One command-line option of a live collector, shared by `scan --<cloud>` and `collect <cloud>`."""

    #: Python name of the value in the options mapping the collector receives (unique across plug-ins).
    name: str
    #: Flags, e.g. ("--profile",).
    flags: tuple[str, ...]
    help: str
    #: ``bool`` (a flag), ``str``, ``int`` or ``list[str]`` (repeatable).
    type: Any = str
    default: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveCollector:
    """How a cloud is read live: read-only calls whose answers are written as the files an offline scan reads."""

    #: Help of the `scan --<cloud>` flag.
    help: str
    #: Options of both `scan` and `collect <cloud>`.
    options: tuple[LiveOption, ...] = ()
    #: Collect into an empty directory with the options' values; True when everything was collected. Raises
    #: ``NhiScanError`` when nothing usable could be.
    collect: Callable[[Path, Mapping[str, Any], CollectUi], bool]
    #: Rejects option values that make no sense (raising ``UsageError``); ``enabled``: the cloud is scanned live.
    validate: Callable[[Mapping[str, Any], bool], None] = lambda values, enabled: None
    #: Adds `nhi-scan collect <cloud>` (with its own extra options) to the `collect` command group.
    register_collect: Callable[[typer.Typer], None] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicySuggestion:
    """A right-sized policy for one identity, from what it used (``nhi-scan suggest-policy``)."""

    identity: Identity
    #: The policy, in the cloud's own format (an IAM policy document, a custom role...).
    document: Mapping[str, Any]
    used_services: tuple[str, ...]
    removed_services: tuple[str, ...]
    notes: tuple[str, ...] = ()
    #: What the cloud's usage data cannot show, whatever the identity.
    caveats: tuple[str, ...] = ()


#: (inventory, identity id or name, now, window in days) -> the suggestion; raises UsageError when it cannot.
SuggestPolicy = Callable[[Inventory, str, datetime, int], PolicySuggestion]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderPlugin:
    id: Provider
    #: How reports and graph labels name the cloud ("AWS").
    display_name: str
    #: Its input formats (each recognised by content); see ``connectors.formats.InputFormat``.
    formats: Callable[[], Sequence[InputFormat]]
    #: Pure: the loaded documents of this provider -> its inventory.
    parse: Callable[[Sequence[LoadedDocument], ParseOptions], Inventory]
    #: Adds the provider's edges to the graph and returns what checks read of it; None: no policy analysis.
    analyse: Callable[[AnalysisRequest], ProviderAnalysis] | None = None
    #: Warnings only this provider understands, from the kinds of the documents that were used ("no credential
    #: report given").
    input_warnings: Callable[[frozenset[str]], Sequence[str]] = lambda kinds: ()
    #: Package of the provider's own checks (found by discovery like the neutral ones), if any.
    checks_package: str | None = None
    #: Neutral check id -> what to do about such a finding in this cloud.
    remediation: Mapping[str, str] = field(default_factory=dict)
    live: LiveCollector | None = None
    #: Lines for `nhi-scan scan --help`: how to export this cloud's documents, how to scan it live.
    scan_help: str = ""
    #: ``nhi-scan suggest-policy``: the least-privilege policy of one identity from its usage, if the cloud has one.
    suggest_policy: SuggestPolicy | None = None
    #: The tokens this cloud's identities can obtain from an issuer (Google ID tokens, Entra access tokens, AWS
    #: caller identities): the federation pass joins them with every cloud's federated trusts.
    issued_tokens: Callable[[Inventory], Iterable[IssuedToken]] | None = None
    #: Where this cloud's exports carry secret material (a ``create-access-key`` answer's ``SecretAccessKey``): every
    #: input file is searched for them, and each one met is a ``secret-in-export`` finding naming the place.
    secret_shapes: SecretShapes = field(default_factory=SecretShapes)
