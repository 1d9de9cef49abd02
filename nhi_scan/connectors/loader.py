"""Read input files, recognise their kind and load them; say which were skipped and why."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nhi_scan.connectors.formats import InputFormat, all_formats
from nhi_scan.errors import InputError, UsageError
from nhi_scan.model import Source, SourceStatus

#: Files larger than this are refused rather than exhausting memory (GAAD of 100k principals is ~200 MB).
MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024
_DATA_SUFFIXES = (".json", ".csv", ".ndjson", ".jsonl")
#: How much of a file streamed formats are recognised from.
_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedDocument:
    format: InputFormat
    source: str
    payload: object


@dataclass(slots=True)
class LoadedInputs:
    documents: list[LoadedDocument] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def _expand(paths: Sequence[Path]) -> Iterable[tuple[Path, bool, str]]:
    """Yield (file, named explicitly, path relative to the directory walked) for each path; directories are walked,
    hidden entries skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in relative.parts):
                    yield child, False, relative.as_posix()
        elif path.is_file():
            yield path, True, path.as_posix()
        elif path.exists():
            raise UsageError(f"{path}: not a regular file or directory")
        else:
            raise UsageError(f"{path}: no such file or directory")


def _json_error(name: str, text: str, exc: json.JSONDecodeError) -> InputError:
    truncated = exc.pos >= len(text.rstrip())
    hint = " (the file looks truncated)" if truncated else ""
    return InputError(name, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}", line=exc.lineno)


def _describe_json(value: object) -> str:
    if isinstance(value, dict):
        keys = ", ".join(sorted(str(k) for k in value)[:6])
        return f"JSON object of an unknown kind (top-level keys: {keys or 'none'})"
    return f"JSON {type(value).__name__} of an unknown kind"


def _streamed(path: Path, formats: Sequence[InputFormat]) -> InputFormat | None:
    """The streamed format (newline-delimited JSON...) that recognises the file's head, if any."""
    candidates = [f for f in formats if f.sniff_head is not None]
    if not candidates:
        return None
    claimed = [f for f in candidates if path.suffix.lower() in f.suffixes]
    if len(claimed) == 1:
        return claimed[0]  # named for it (.ndjson): read line by line, so each broken line is named
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES).decode("utf-8-sig", errors="replace")
    return next((f for f in candidates if f.sniff_head is not None and f.sniff_head(head)), None)


def load_file(path: Path, name: str, relative: str | None = None) -> LoadedDocument:
    """Recognise and load one file; raise InputError (unusable) or LookupError (not an export we know)."""
    # A .json/.csv that is empty or not text is a corrupt export; any other such file is simply not ours.
    is_data = path.suffix.lower() in _DATA_SUFFIXES

    def not_ours(detail: str) -> Exception:
        return InputError(name, detail) if is_data else LookupError(detail)

    size = path.stat().st_size
    if size == 0:
        raise not_ours("empty file")
    formats = all_formats()
    streamed = _streamed(path, formats)
    if streamed is not None and streamed.load_path is not None:
        return LoadedDocument(format=streamed, source=name, payload=streamed.load_path(name, path))
    if size > MAX_FILE_BYTES:
        raise InputError(name, f"file too large ({size} bytes)")
    data = path.read_bytes()

    if b"\x00" in data[:65536]:
        raise not_ours("binary data, not a provider export")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_ours(f"not UTF-8 text (byte {exc.start}), not a provider export") from None
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _json_error(name, text, exc) from None
        where = relative if relative is not None else path.as_posix()
        for fmt in formats:
            if fmt.sniff_json is not None and fmt.sniff_json(value):
                return LoadedDocument(format=fmt, source=name, payload=fmt.load_value(name, where, value))
        for fmt in formats:
            if path.name in fmt.file_names:
                return LoadedDocument(format=fmt, source=name, payload=fmt.load_value(name, where, value))
        raise LookupError(_describe_json(value))
    for fmt in formats:
        if fmt.sniff_text is not None and fmt.sniff_text(text):
            return LoadedDocument(format=fmt, source=name, payload=fmt.load(name, text))
    suffix = path.suffix.lower()
    for fmt in formats:
        if suffix in fmt.suffixes:
            # Claimed by its name but not by its content: let the format explain what is missing.
            return LoadedDocument(format=fmt, source=name, payload=fmt.load(name, text))
    if suffix == ".json":
        raise InputError(name, "invalid JSON: the file does not start with '{' or '['")
    raise LookupError("not a recognised provider export")


def load_inputs(paths: Sequence[Path]) -> LoadedInputs:
    """Load every recognised file under ``paths``; unknown files are skipped, broken ones reported."""
    result = LoadedInputs()
    for path, explicit, relative in _expand(paths):
        name = str(path)
        try:
            document = load_file(path, name, relative)
        except InputError as exc:
            result.sources.append(Source(path=name, kind=None, status=SourceStatus.ERROR, detail=exc.one_line()))
            continue
        except LookupError as exc:
            status = SourceStatus.ERROR if explicit else SourceStatus.SKIPPED
            result.sources.append(Source(path=name, kind=None, status=status, detail=f"{name}: {exc}"))
            continue
        except OSError as exc:
            result.sources.append(
                Source(path=name, kind=None, status=SourceStatus.ERROR, detail=f"{name}: cannot read ({exc.strerror})")
            )
            continue
        result.documents.append(document)
        incomplete = getattr(document.payload, "incomplete", None)
        result.sources.append(
            Source(
                path=name,
                kind=document.format.name,
                status=SourceStatus.PARTIAL if incomplete else SourceStatus.USED,
                detail=f"{name}: {incomplete}" if incomplete else document.format.description,
                provider=document.format.provider,
            )
        )
    return result
