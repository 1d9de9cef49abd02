"""A bare AWS secret access key in a name-like field is told from a name by its look alone (``redact.aws_keys_in``):
nearly every random key is taken, and no name the bundled role data holds is."""

from __future__ import annotations

import gzip
import json
import random
import string
from pathlib import Path

from nhi_scan.redact import aws_keys_in

DATA = Path(__file__).resolve().parents[2] / "nhi_scan" / "policy"
_ALPHABET = string.ascii_letters + string.digits + "+/"


def _keys(count: int, alphabet: str = _ALPHABET) -> list[str]:
    rng = random.Random(20261204)
    return ["".join(rng.choice(alphabet) for _ in range(40)) for _ in range(count)]


def test_random_keys_are_taken_in_a_name() -> None:
    """About one random key in 1,800 has no digit and no ``+``: the rule that wanted a digit let them through."""
    missed = [key for key in _keys(60_000) if aws_keys_in(f"policy-{key}") != [key]]
    assert len(missed) <= 3, missed[:5]


def test_keys_of_letters_only_are_taken() -> None:
    missed = [key for key in _keys(2_000, string.ascii_letters + "/") if not aws_keys_in(key)]
    assert len(missed) <= 60  # 1.3 % measured: those with fewer than a dozen capitals read as words


def _strings(value: object, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            into.add(str(key))
            _strings(item, into)
    elif isinstance(value, list):
        for item in value:
            _strings(item, into)


def test_no_name_permission_or_action_of_the_bundled_roles_is_taken_for_a_key() -> None:
    """27,000 strings: role names, titles, GCP permissions, Azure actions (``Microsoft.AwsConnector/
    ec2NetworkInterfaces/delete`` ends in 40 characters of the key's alphabet after its dot), Graph permissions."""
    found: set[str] = set()
    for path in sorted(DATA.glob("*/data/*.json*")):
        raw = path.read_bytes()
        _strings(json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw), found)
    assert len(found) > 20_000
    assert [text for text in found if aws_keys_in(text)] == []
