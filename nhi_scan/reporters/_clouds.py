"""The cloud of each hop of a path that changes cloud (a GCP service account federating into an AWS role), so the
reports can say where every step happens; a path that stays in one cloud is shown as before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nhi_scan.model import Identity, PathHop


def hop_clouds(path: Sequence[PathHop], identities: Mapping[str, Identity]) -> list[str] | None:
    """The cloud of the path's start, then of each hop's target ("" for an entry point or an admin target); None
    when the path stays in one cloud."""
    if not path:
        return None
    nodes = [path[0].source, *(hop.target for hop in path)]
    clouds = [str(identities[n].provider) if n in identities else "" for n in nodes]
    return clouds if len({c for c in clouds if c}) > 1 else None


def tag(clouds: list[str] | None, index: int) -> str:
    """`` [gcp]`` after node ``index`` of a cross-cloud path (0: its start), else nothing."""
    if clouds is None or not clouds[index]:
        return ""
    return f" [{clouds[index]}]"
