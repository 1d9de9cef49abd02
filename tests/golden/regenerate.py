"""Rewrite the golden AWS reports after a deliberate change: `python -m tests.golden.regenerate` (from the root)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from tests.test_aws_unchanged import GOLDEN, bench_report, sample_report


def main() -> None:
    (GOLDEN / "sample-report.json").write_text(sample_report(), encoding="utf-8")
    with tempfile.TemporaryDirectory() as directory:
        digest = hashlib.sha256(bench_report(Path(directory) / "aws-10k").encode()).hexdigest()
    print(f"wrote {GOLDEN / 'sample-report.json'}; set BENCH_10K_SHA256 = {digest!r} in tests/test_aws_unchanged.py")


if __name__ == "__main__":
    main()
