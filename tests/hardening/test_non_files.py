"""What is not a regular export file never hangs or floods the scan: a FIFO is never opened (a read would block),
devices are not read, symbolic link loops and dangling links are named, an unreadable file is one line, a directory
of 20,000 stray files is counted in one line, a multi-gigabyte file is refused in one line without being read.
Every scan here runs in a subprocess with a timeout: a hang fails the test instead of the suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nhi_scan.connectors import loader
from nhi_scan.connectors.loader import load_inputs
from nhi_scan.model import SourceStatus
from tests.hardening._estate import aws_copy

NOW = "2026-11-29T00:00:00Z"


def run(*args: str | Path, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nhi_scan", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def sources(done: subprocess.CompletedProcess[str]) -> dict[str, dict[str, str]]:
    return {Path(s["path"]).name: s for s in json.loads(done.stdout)["scan"]["sources"]}


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """The AWS sample with a FIFO, a link to /dev/zero, a symbolic link loop and a dangling link among its files."""
    root = aws_copy(tmp_path)
    os.mkfifo(root / "pipe.json")
    (root / "zero.json").symlink_to("/dev/zero")
    (root / "loop-a").symlink_to(root / "loop-b")
    (root / "loop-b").symlink_to(root / "loop-a")
    (root / "gone.json").symlink_to(root / "nowhere.json")
    return root


def test_non_files_in_a_directory_are_skipped_with_the_reason(estate: Path) -> None:
    done = run("scan", estate, "-f", "json", "-q", "--now", NOW)
    assert done.returncode == 0, done.stderr
    found = sources(done)
    assert "named pipe (FIFO), not read" in found["pipe.json"]["detail"]
    assert "a device" in found["zero.json"]["detail"]
    assert "symbolic link loop" in found["loop-a"]["detail"]
    assert "dangling symbolic link" in found["gone.json"]["detail"]
    assert {found[n]["status"] for n in ("pipe.json", "zero.json", "loop-a", "loop-b", "gone.json")} == {"skipped"}
    assert found["authz.json"]["status"] == "used"


def test_the_terminal_report_names_them(estate: Path) -> None:
    done = run("scan", estate, "-q", "--now", NOW)
    assert done.returncode == 0, done.stderr
    assert "named pipe" in done.stdout and "symbolic link loop" in done.stdout


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda d: os.mkfifo(d / "pipe"), "named pipe (FIFO)"),
        (lambda d: (d / "loop").symlink_to(d / "loop"), "symbolic link loop"),
        (lambda d: (d / "dangling").symlink_to(d / "missing"), "dangling symbolic link"),
    ],
    ids=["fifo", "loop", "dangling"],
)
def test_one_named_on_the_command_line_is_a_one_line_usage_error(tmp_path: Path, make: object, says: str) -> None:
    make(tmp_path)  # type: ignore[operator]
    (target,) = list(tmp_path.iterdir())
    done = run("scan", target, "--now", NOW)
    assert done.returncode == 2
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_named_on_the_command_line_is_not_read(device: str) -> None:
    done = run("scan", device, "--now", NOW)
    assert done.returncode == 2
    assert "a device" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_an_unreadable_file_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, who reads any file: the refusal is simulated where the loader reads."""
    root = aws_copy(tmp_path)
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "authz.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    loaded = load_inputs([root])
    (authz,) = [s for s in loaded.sources if s.path.endswith("authz.json")]
    assert authz.status is SourceStatus.ERROR
    assert authz.detail == f"{authz.path}: cannot read (Permission denied)"
    assert any(s.status is SourceStatus.USED for s in loaded.sources)


def test_an_unlistable_directory_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = aws_copy(tmp_path)
    (root / "locked").mkdir()
    real = os.scandir

    def refuse(path: os.PathLike[str] | str) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", refuse)
    loaded = load_inputs([root])
    (locked,) = [s for s in loaded.sources if s.path.endswith("locked")]
    assert locked.status is SourceStatus.SKIPPED and "not listed (Permission denied)" in locked.detail


def test_twenty_thousand_stray_files_take_seconds_and_one_line(tmp_path: Path) -> None:
    root = aws_copy(tmp_path)
    stray = root / "stray"
    stray.mkdir()
    for number in range(20_000):
        (stray / f"note-{number:05}.txt").write_text("not an export\n")
    started = time.perf_counter()
    done = run("scan", root, "--now", NOW, timeout=120)
    took = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert took < 90
    assert "20,000 more skipped" not in done.stdout  # ten are listed, the rest counted
    assert "… and 19,991 more skipped: 19,991 not a recognised provider export" in done.stdout
    assert done.stdout.count("skipped ") < 20 and len(done.stderr.splitlines()) < 5


def test_a_multi_gigabyte_file_is_refused_unread(tmp_path: Path) -> None:
    root = aws_copy(tmp_path)
    with (root / "huge.json").open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: takes no disk
    done = run("scan", root, "-f", "json", "-q", "--now", NOW)
    assert done.returncode == 0, done.stderr
    huge = sources(done)["huge.json"]
    assert huge["status"] == "error"
    assert huge["detail"].endswith("file too large to read: 3,221,225,472 bytes, over the limit of 2,147,483,648")
    strict = run("scan", root, "-q", "--strict", "--now", NOW)
    assert strict.returncode == 2


def test_the_limit_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = aws_copy(tmp_path)
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1000)
    read: list[str] = []
    real = Path.read_bytes

    def noted(self: Path) -> bytes:
        read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", noted)
    loaded = load_inputs([root / "authz.json"])
    assert "authz.json" not in read
    assert "file too large to read" in loaded.sources[0].detail


def test_the_error_line_shows_control_characters_of_a_path_as_escapes(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe\x1b]0;pwned\x07\x1b[2J"
    os.mkfifo(fifo)
    done = run("scan", fifo, "--now", NOW)
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "pipe\\x1b]0;pwned\\x07\\x1b[2J: a named pipe" in done.stderr
