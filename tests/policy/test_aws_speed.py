"""Speed guard: indexing 10,000 principals by the actions they hold must stay far below a few seconds."""

from __future__ import annotations

import time

from nhi_scan.policy.aws import Decision, PolicyCache, catalog
from tests.policy.estate import build, candidate_actions, principal_grants


def test_actions_allowed_somewhere_for_10k_principals_is_fast() -> None:
    catalog.all_actions()  # catalogue load is a one-off, not part of the per-principal cost
    candidates = candidate_actions(100)
    estate = principal_grants(10_000)
    started = time.perf_counter()
    cache = PolicyCache()
    principals = build(estate, cache)
    built = time.perf_counter()
    index: dict[str, list[str]] = {}
    for principal in principals:
        for action, decision in principal.actions_allowed_somewhere(candidates).items():
            assert decision in (Decision.ALLOW, Decision.CONDITIONAL)
            index.setdefault(action, []).append(principal.principal_arn or "")
    done = time.perf_counter()
    print(
        f"\n10k principals: build {built - started:.2f}s, actions_allowed_somewhere x100 actions "
        f"{done - built:.2f}s, cache {cache.stats()}, indexed actions {len(index)}"
    )
    assert cache.stats()["documents"] <= 50 + 40
    assert index  # the estate holds interesting actions
    assert done - started < 20
