"""The committed corpus: the worst cases the fuzz suite found (each once an internal error, a flood or a silent
loss), replayed against the current estates. Each file is ``{"why": ..., "mutation": {...}}`` and is named for
what it breaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzz.campaign import run_case
from tests.fuzz.mutate import Mutation
from tests.fuzz.oracle import ESTATES, Estate

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(CORPUS.glob("*/*.json"))


@pytest.fixture(scope="module")
def estates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Estate]:
    work = tmp_path_factory.mktemp("corpus")
    wanted = sorted({case.parent.name for case in CASES})
    return {name: Estate.copy(name, work) for name in wanted}


def test_corpus_covers_every_estate() -> None:
    assert {case.parent.name for case in CASES} == set(ESTATES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.stem}")
def test_corpus_case(case: Path, estates: dict[str, Estate]) -> None:
    entry = json.loads(case.read_text(encoding="utf-8"))
    assert entry["why"], case
    mutation = Mutation.from_json(entry["mutation"])
    estate = estates[case.parent.name]
    assert mutation.target in estate.files, f"stale corpus case: {mutation.target} is no longer in the estate"
    try:
        problems = run_case(estate, mutation)
    except (KeyError, IndexError, TypeError) as exc:
        pytest.fail(f"stale corpus case: its path no longer applies to {mutation.target} ({exc!r})")
    assert not problems, problems
