"""The files a scan reads from the paths it was given, without ever opening what is not a regular file: a named pipe
would block the scan on open, a device never ends (``/dev/zero``), a symbolic link may loop or lead nowhere. What a
directory holds besides regular files is listed with the reason it was not read; such a path named on the command
line is a usage error."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from nhi_scan.errors import UsageError


@dataclass(frozen=True, slots=True)
class InputPath:
    path: Path
    #: Named on the command line (an unknown file named so is an error, not a skip).
    explicit: bool
    #: The path relative to the directory walked (as given for a named file).
    relative: str
    #: Why it is not read (a FIFO, a device, a symbolic link loop...); None for a regular file.
    problem: str | None = None


def not_regular(path: Path) -> str | None:
    """Why ``path`` (followed through symbolic links) is not a regular file to read, or None when it is one."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop, not read"
        if exc.errno == errno.ENOENT and path.is_symlink():
            return f"a dangling symbolic link (to {os.readlink(path)!r}), not read"
        if exc.errno == errno.ENOENT:
            return "no such file or directory"
        return f"cannot read ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a symbolic link to a directory, not followed"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not read: opening it could block the scan (save the export to a file)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not an export file: not read"
    if stat.S_ISSOCK(mode):
        return "a socket, not read"
    return "not a regular file, not read"


def _walk(root: Path) -> Iterator[InputPath]:
    """Every entry under ``root`` but hidden ones, in path order; symbolic links to directories are not followed."""
    found: list[InputPath] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError as exc:
            relative = directory.relative_to(root).as_posix()
            found.append(InputPath(directory, False, relative, f"directory not listed ({exc.strerror})"))
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            child = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                pending.append(child)
                continue
            problem = None if entry.is_file(follow_symlinks=False) else not_regular(child)
            found.append(InputPath(child, False, child.relative_to(root).as_posix(), problem))
    found.sort(key=lambda item: item.path)
    yield from found


def expand(paths: Sequence[Path]) -> Iterator[InputPath]:
    """Every input of ``paths``: directories walked, named files as they are. Raises UsageError for a named path
    that is neither a regular file nor a directory (one line: what it is instead)."""
    for path in paths:
        problem = not_regular(path)
        if problem is None:
            yield InputPath(path, True, path.as_posix())
        elif path.is_dir():
            yield from _walk(path)
        else:
            raise UsageError(f"{path}: {problem}")
