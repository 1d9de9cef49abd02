"""The path a finding shows does not depend on Python's string hash seed: the same estate, the same report."""

from __future__ import annotations

import os
import subprocess
import sys

# Twelve admin targets at the same distance: which one a finding names must not change from run to run.
_SCRIPT = """
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph
from nhi_scan.reach import reach_towards

graph = IdentityGraph()
goals = [f"admin:account-{n:02d}" for n in range(12)]
for goal in goals:
    graph.add_target(goal, goal, admin=True)
    graph.add_edge(Edge(source="hub", target=goal, kind=EdgeKind.ADMIN_OF, reason=goal))
graph.add_edge(Edge(source="role/deploy", target="hub", kind=EdgeKind.CAN_ASSUME, reason="trust"))
reach = reach_towards(graph, graph.admin_targets(), allow_conditional=False)
print(" -> ".join(edge.target for edge in reach.path("role/deploy")))
"""


def _path_with_seed(seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_shortest_path_chosen_is_the_same_under_every_hash_seed() -> None:
    paths = {_path_with_seed(seed) for seed in range(1, 7)}
    assert len(paths) == 1, paths
    [path] = paths
    assert path.startswith("hub -> admin:account-")
