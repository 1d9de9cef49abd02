"""Every `nhi-scan` command in the README's shell blocks works on sample_data/, as a new user would type it.

The README's own directories stand for the samples (``exports/`` and ``snapshot/`` for the AWS account, ``gcp/``
and ``azure/`` for the others); the commands run in README order in one directory, so a file one writes (a
baseline, a report) is there for the next. Skipped, each with its reason: live scans and collection, and commands
that need a file no earlier command writes and the repository does not hold.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: README directory -> the sample it stands for.
STANDS_FOR = {
    "exports": "sample_data/aws",
    "snapshot": "sample_data/aws",
    "gcp": "sample_data/gcp",
    "azure": "sample_data/azure",
    "sample_data": "sample_data",
}
LIVE = ("--aws", "--gcp", "--azure", "--org", "--profile", "--impersonate-service-account")
OUTPUT_OPTIONS = ("-o", "--output", "--output-dir", "--out")
FENCE = re.compile(r"^```(\w*)")


@dataclass(frozen=True)
class Command:
    line: int
    argv: list[str]
    stdout_to: str | None  # `> file` or `>> file`

    @property
    def text(self) -> str:
        return shlex.join(["nhi-scan", *self.argv]) + (f" > {self.stdout_to}" if self.stdout_to else "")


def _lines(block: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The block's shell lines, each with its first README line number, backslash continuations joined."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in block:
        start, text = pending if pending else (number, "")
        text += line
        pending = (start, text[:-1] + " ") if line.endswith("\\") else None
        if pending is None:
            joined.append((start, text))
    return joined


def readme_commands() -> list[Command]:
    found: list[Command] = []
    language: str | None = None
    block: list[tuple[int, str]] = []
    for number, line in enumerate((ROOT / "README.md").read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE.match(line)
        if fence and language is None:
            language, block = fence.group(1), []
        elif fence:
            if language == "sh":
                found.extend(_parse(block))
            language = None
        elif language is not None:
            block.append((number, line))
    return found


def _parse(block: list[tuple[int, str]]) -> list[Command]:
    commands = []
    for number, line in _lines(block):
        for segment in re.split(r"&&|;", line):  # a chain's commands, one by one
            if "nhi-scan" not in segment:
                continue
            words = shlex.split(segment, comments=True)
            if not words or Path(words[0]).name != "nhi-scan":
                continue
            target = None
            for redirect in (">", ">>"):
                if redirect in words:
                    at = words.index(redirect)
                    words, target = words[:at], words[at + 1]
            commands.append(Command(number, words[1:], target))
    return commands


def _why_skipped(command: Command, cwd: Path) -> str | None:
    argv = command.argv
    if any(a in LIVE for a in argv):
        return "a live scan (needs cloud credentials)"
    if argv[:1] == ["collect"] and not any(a.startswith("--print-") for a in argv):
        return "collects from a live cloud"
    outputs = {argv[n + 1] for n, a in enumerate(argv[:-1]) if a in OUTPUT_OPTIONS}
    for word in argv:
        if word.endswith((".json", ".csv", ".yaml", ".toml")) and word not in outputs and not (cwd / word).exists():
            return f"needs {word}, which no earlier README command writes and the repository does not hold"
    return None


COMMANDS = readme_commands()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty directory where the README's directory names are the samples."""
    where = tmp_path_factory.mktemp("readme")
    for name, sample in STANDS_FOR.items():
        (where / name).symlink_to(ROOT / sample, target_is_directory=True)
    return where


def test_the_readme_shows_commands_to_try() -> None:
    assert len(COMMANDS) >= 25
    assert any(c.argv[:1] == ["suggest-policy"] for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=[f"line{c.line}-{c.argv[0]}" for c in COMMANDS])
def test_readme_command_works_on_the_samples(command: Command, workdir: Path) -> None:
    reason = _why_skipped(command, workdir)
    if reason:
        pytest.skip(f"README line {command.line}: `{command.text}`: {reason}")
    before = {p for p in workdir.rglob("*") if not p.is_symlink()}
    env = {k: v for k, v in os.environ.items() if k not in ("NHI_SCAN_DEBUG", "COLUMNS")}
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", *command.argv],
        cwd=workdir,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    shown = f"README line {command.line}: `{command.text}` exited {done.returncode}\n{done.stderr[-3000:]}"
    assert done.returncode in (0, 1), shown
    assert "Traceback" not in done.stderr + done.stdout, shown
    assert not [line for line in done.stderr.splitlines() if line.startswith("error:")], shown
    written = [p for p in workdir.rglob("*") if p.is_file() and p not in before]
    if command.stdout_to:
        (workdir / command.stdout_to).write_text(done.stdout, encoding="utf-8")
    assert done.stdout.strip() or any(p.stat().st_size for p in written), f"{shown}\nno output at all"
