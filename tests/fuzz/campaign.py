"""A seeded fuzz campaign over one estate: the same seed and count give the same cases, in the same order.

``python -m tests.fuzz.campaign aws --cases 2000 --seed 1 --save failures.json`` explores by hand and prints the
failures by family; the pytest suite (``test_fuzz.py``) runs the same campaigns bounded.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.mutate import Mutation, csv_mutation, json_mutation, lines_mutation
from tests.fuzz.oracle import ESTATES, Estate, judge, run_scan


@dataclass(frozen=True, slots=True)
class Failure:
    mutation: Mutation
    problems: tuple[str, ...]


def mutations(estate: Estate, seed: int, cases: int) -> Iterator[Mutation]:
    rng = random.Random(f"{estate.name}:{seed}")
    decoded: dict[str, object] = {}
    # Larger files hold more structure (the authorization details, the policies): chosen more often.
    weights = [len(estate.originals[f]) ** 0.5 for f in estate.files]
    for _ in range(cases):
        target = rng.choices(estate.files, weights)[0]
        data = estate.originals[target]
        if target.endswith(".csv"):
            yield csv_mutation(rng, target, data)
        elif target.endswith((".ndjson", ".jsonl")):
            yield lines_mutation(rng, target, data)
        else:
            if target not in decoded:
                decoded[target] = json.loads(data)
            document = json.loads(json.dumps(decoded[target]))  # each mutation chooses from a fresh copy
            yield json_mutation(rng, target, document, len(data))


def run_case(estate: Estate, mutation: Mutation) -> tuple[str, ...]:
    with estate.mutated(mutation):
        return tuple(judge(estate, mutation, run_scan(estate.root)))


def campaign(estate: Estate, seed: int, cases: int) -> Iterator[tuple[Mutation, tuple[str, ...]]]:
    for mutation in mutations(estate, seed, cases):
        yield mutation, run_case(estate, mutation)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("estates", nargs="*", default=sorted(ESTATES))
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args(argv)
    failures: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as work:
        for name in args.estates:
            estate = Estate.copy(name, Path(work))
            tried: Counter[str] = Counter()
            failed: Counter[str] = Counter()
            kinds: Counter[str] = Counter()
            for mutation, problems in campaign(estate, args.seed, args.cases):
                tried[mutation.family] += 1
                if problems:
                    failed[mutation.family] += 1
                    kinds.update(p.split(":")[0] for p in problems)
                    failures.append({"estate": name, "mutation": mutation.as_json(), "problems": list(problems)})
            print(f"{name}: {sum(tried.values())} cases, {sum(failed.values())} failed")
            for family in sorted(tried):
                print(f"  {family:22} {tried[family]:6} tried {failed[family]:5} failed")
            for kind, count in kinds.most_common():
                print(f"  problem {kind}: {count}")
    if args.save:
        args.save.write_text(json.dumps(failures, indent=1, default=str))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
