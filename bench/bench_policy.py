"""Benchmark of AWS policy evaluation on a synthetic estate: python bench/bench_policy.py [principals]."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nhi_scan.policy.aws import PolicyCache, catalog
from nhi_scan.policy.aws.permissions import ActionQuery
from tests.policy.estate import ROLE, build, candidate_actions, principal_grants


def main(count: int) -> None:
    started = time.perf_counter()
    catalog.all_actions()
    loaded = time.perf_counter()
    estate = principal_grants(count)
    candidates = candidate_actions(100)
    cache = PolicyCache()
    generated = time.perf_counter()
    principals = build(estate, cache)
    built = time.perf_counter()
    query = ActionQuery.of(candidates)
    holders = [p for p in principals if "iam:PassRole" in p.actions_allowed_somewhere(query)]
    indexed = time.perf_counter()
    roles = [ROLE + f"app-{i}" for i in range(1000)]
    possible = 0
    for principal in holders[:1000]:
        scope = principal.resource_patterns("iam:PassRole")
        possible += sum(scope.decide(role).possible for role in roles)
    scoped = time.perf_counter()
    evaluations = 0
    for principal in principals[:2000]:
        for action in candidates[:50]:
            principal.allows(action, roles[evaluations % 1000])
            evaluations += 1
    evaluated = time.perf_counter()
    admins = sum(p.is_admin_equivalent() for p in principals[:5000])
    admin_done = time.perf_counter()
    print(f"catalogue load          {loaded - started:7.2f}s ({len(catalog.all_actions())} actions)")
    print(f"build {count} principals {built - generated:7.2f}s  cache {cache.stats()}")
    print(f"somewhere x100 actions  {indexed - built:7.2f}s  ({len(holders)} hold iam:PassRole)")
    print(f"PassRole scope x1000    {scoped - indexed:7.2f}s  (1000 holders x 1000 roles, {possible} possible)")
    print(f"allows()                {evaluated - scoped:7.2f}s  ({evaluations} evaluations)")
    print(f"admin-equivalence x5000 {admin_done - evaluated:7.2f}s  ({admins} admins)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
