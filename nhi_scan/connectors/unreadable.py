"""Parts of an input that could not be read as written, each named (file, path to the field), never dropped in
silence.

A format's ``load`` that leaves out a statement, binding, key or identity it cannot read, or reads a value
otherwise than it was written (a duplicate key), calls :func:`note_unreadable`; the loader collects the notes of
each file (:func:`collecting`), marks the file's source partial (so the scan says it is incomplete) and adds each
note to the report's warnings. Cloud-neutral: every provider's formats use the same channel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from nhi_scan.errors import InputError, short_path

#: Notes kept per file in the report's warnings; past this the rest are counted in one line.
MAX_NOTES_PER_FILE = 50
#: A note longer than this (a path through keys an export made long) is cut.
MAX_NOTE = 280

T = TypeVar("T")
R = TypeVar("R")

_notes: ContextVar[list[str] | None] = ContextVar("nhi_scan_unreadable_notes", default=None)


def note_unreadable(source: str, where: str | None, detail: str) -> None:
    """Say that part of ``source`` at JSON path ``where`` is left out (or read otherwise) and why.

    Outside a loader's :func:`collecting` (a parser called directly), the note is an error instead: nothing is
    skipped without a word.
    """
    skip(InputError(source, detail, field=where or None))


def skip(error: InputError) -> None:
    """Record an item's :class:`InputError` as a note: the item is left out, the rest of the file still read."""
    notes = _notes.get()
    if notes is None:
        raise error
    line = error.one_line()
    notes.append(line if len(line) <= MAX_NOTE else line[: MAX_NOTE - 1] + "…")


def readable(items: Iterable[T], read: Callable[[T], R], errors: list[InputError] | None = None) -> tuple[R, ...]:
    """``read`` of each item that reads; each one that raises :class:`InputError` is left out with a note (and
    added to ``errors``, so a file of which nothing reads can be refused whole: see :func:`refuse_if_nothing_read`)."""
    result: list[R] = []
    for item in items:
        try:
            result.append(read(item))
        except InputError as error:
            skip(error)
            if errors is not None:
                errors.append(error)
    return tuple(result)


def refuse_if_nothing_read(errors: list[InputError], read: int) -> None:
    """A file of which no item reads is unusable, not partial: raise its first item's error."""
    if errors and not read:
        raise errors[0]


@contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect the notes of one file's loading."""
    notes: list[str] = []
    token = _notes.set(notes)
    try:
        yield notes
    finally:
        _notes.reset(token)


def summary(source: str, notes: list[str]) -> str:
    """The source's detail (one bounded line): how many parts were left out, and the first."""
    if len(notes) == 1:
        return notes[0]
    first = notes[0].removeprefix(f"{short_path(source)}: ")
    line = f"{short_path(source)}: {len(notes)} part(s) could not be read as written; the first: {first}"
    return line if len(line) <= MAX_NOTE else line[: MAX_NOTE - 1] + "…"


def report_lines(source: str, notes: list[str]) -> list[str]:
    """The warnings a file's notes become (bounded in number)."""
    lines = notes[:MAX_NOTES_PER_FILE]
    if len(notes) > MAX_NOTES_PER_FILE:
        lines.append(
            f"{short_path(source)}: {len(notes) - MAX_NOTES_PER_FILE} more part(s) could not be read as written"
        )
    return lines
