"""A copy of the bundled AWS sample with one export edited: the hostile input every hardening test starts from."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "aws"


def aws_copy(parent: Path) -> Path:
    root = parent / "aws"
    shutil.copytree(SAMPLE, root)
    return root


def edit_json(path: Path, change: Callable[[Any], object]) -> None:
    """Rewrite a JSON export after ``change`` edited its document in place (``json.dumps`` escapes what needs it)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")
