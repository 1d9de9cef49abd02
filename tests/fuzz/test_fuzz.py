"""The fuzz suite: seeded structure-aware mutations of every estate's exports, each scanned in process beside the
untouched rest of its estate and judged by the oracle (no crash, bounded one-line errors, the other files read,
no silent loss).

A bounded run is part of the normal test run. A longer one is one command::

    NHI_SCAN_FUZZ_CASES=20000 python -m pytest tests/fuzz        # cases per estate; NHI_SCAN_FUZZ_SEED=2 for others

A failing case prints its mutation as JSON: saved under ``corpus/<estate>/<what-it-breaks>.json`` (with a ``why``),
``test_corpus.py`` replays it for good.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fuzz.campaign import campaign
from tests.fuzz.oracle import ESTATES, Estate

#: Cases per estate in the bounded run (about 35 ms each): the AWS sample holds the most structure.
BOUNDED = {"aws": 300, "gcp": 200, "azure": 200, "gcp-asset-export": 100, "azurehound": 100}


def _cases(name: str) -> int:
    raw = os.environ.get("NHI_SCAN_FUZZ_CASES", "").strip()
    return int(raw) if raw else BOUNDED[name]


@pytest.mark.parametrize("name", sorted(ESTATES))
def test_mutated_exports_are_never_lost_in_silence(name: str, tmp_path: Path) -> None:
    estate = Estate.copy(name, tmp_path)
    seed = int(os.environ.get("NHI_SCAN_FUZZ_SEED", "1"))
    failures = [(m, problems) for m, problems in campaign(estate, seed, _cases(name)) if problems]
    shown = "\n".join(f"{problems}\n  {json.dumps(m.as_json(), default=str)[:600]}" for m, problems in failures[:10])
    assert not failures, f"{len(failures)} of {_cases(name)} {name} cases failed (seed {seed}):\n{shown}"
