"""What the generators share: the warning that a directory holds files the generator did not write (a scan of it
would read them too)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def warn_stray_files(out: Path, written: int, what: str) -> None:
    present = sum(len(files) for _, _, files in os.walk(out))
    if present > written:
        print(
            f"warning: {present - written} other files in {out} (an earlier run with other arguments?) "
            f"would be scanned with this {what}; generate into an empty directory",
            file=sys.stderr,
        )
