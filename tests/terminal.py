"""Run the CLI with a real terminal (a pseudo-terminal of a given size) on stderr, and stdout too if asked."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import tempfile
import termios
from dataclasses import dataclass

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class Shown:
    returncode: int
    #: What the terminal received, colour and cursor codes removed, line ends as ``\n`` (redraws as ``\r``).
    terminal: str
    #: stdout when it was not the terminal.
    stdout: str


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NHI_SCAN_DEBUG")}
    return {**env, "TERM": "xterm", **extra}


def on_terminal(*args: str, columns: int = 80, stdout_too: bool = True, timeout: float = 120) -> Shown:
    # stdout, when not the terminal, goes to a file: a full pipe would stall the child while the terminal is read.
    with tempfile.TemporaryFile() as stdout:
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        process = subprocess.Popen(
            [sys.executable, "-m", "nhi_scan", *args],
            stdin=subprocess.DEVNULL,
            stdout=follower if stdout_too else stdout,
            stderr=follower,
            env=clean_env(),
        )
        os.close(follower)
        received = _read_all(leader)
        code = process.wait(timeout=timeout)
        stdout.seek(0)
        text = ANSI.sub("", received.decode(errors="replace")).replace("\r\n", "\n")
        return Shown(code, text, stdout.read().decode())


def _read_all(leader: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks)
