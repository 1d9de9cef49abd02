"""A body written a byte at a time (the trickle fault of the local fake servers): each byte arrives well within a
client's read timeout, the whole answer only after minutes."""

from __future__ import annotations

import time
from typing import BinaryIO


def write_trickled(stream: BinaryIO, data: bytes, every: float) -> None:
    """Write ``data`` one byte every ``every`` seconds (the client hanging up raises ``OSError``)."""
    for at in range(len(data)):
        stream.write(data[at : at + 1])
        stream.flush()
        time.sleep(every)
