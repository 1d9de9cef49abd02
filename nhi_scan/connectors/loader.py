"""Read input files, recognise their kind and load them; say which were skipped and why."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nhi_scan.connectors import json_text, secret_scan, unreadable
from nhi_scan.connectors.formats import InputFormat, all_formats
from nhi_scan.connectors.input_paths import expand
from nhi_scan.errors import InputError, bounded, short_path
from nhi_scan.model import SecretAtRest, Source, SourceStatus
from nhi_scan.redact import quote

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
    #: Secret material the files held: where, never what (``connectors/secret_scan``).
    secrets: list[SecretAtRest] = field(default_factory=list)
    #: Parts of files that could not be read as written, one line each (file and path to the field).
    warnings: list[str] = field(default_factory=list)


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


def load_file(
    path: Path, name: str, relative: str | None = None, secrets: list[SecretAtRest] | None = None
) -> LoadedDocument:
    """Recognise and load one file; raise InputError (unusable) or LookupError (not an export we know). The secret
    material it holds, recognised or not, is added to ``secrets`` (where it lies, never the value)."""
    found = secrets if secrets is not None else []
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
        found.extend(secret_scan.find_in_lines_file(name, path, streamed.provider))
        return LoadedDocument(format=streamed, source=name, payload=streamed.load_path(name, path))
    if size > MAX_FILE_BYTES:
        raise InputError(name, f"file too large to read: {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}")
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
            value = json_text.decode(name, text)
        except json.JSONDecodeError as exc:
            found.extend(secret_scan.find_in_text(name, text, None))  # broken JSON, or text that starts with "["
            raise _json_error(name, text, exc) from None
        where = relative if relative is not None else path.as_posix()
        claimed = _json_format(path, value, formats)
        found.extend(secret_scan.find_in_json(name, text, value, claimed.provider if claimed else None))
        if claimed is None:
            _refuse_if_nested(name, value, formats)
            raise LookupError(_describe_json(value))
        return LoadedDocument(format=claimed, source=name, payload=claimed.load_value(name, where, value))
    claimed = _text_format(path, text, formats)
    found.extend(secret_scan.find_in_text(name, text, claimed.provider if claimed else None))
    if claimed is not None:
        # Claimed by its content, or by its name only: then the format explains what is missing.
        return LoadedDocument(format=claimed, source=name, payload=claimed.load(name, text))
    if path.suffix.lower() == ".json":
        raise InputError(name, "invalid JSON: the file does not start with '{' or '['")
    raise LookupError("not a recognised provider export")


def _partial_detail(name: str, incomplete: str) -> str:
    """The partial source's line, led by the file's name once (shortened if long) and bounded."""
    short = short_path(name)
    return bounded(incomplete if incomplete.startswith((name, short)) else f"{short}: {incomplete}")


def _json_format(path: Path, value: object, formats: Sequence[InputFormat]) -> InputFormat | None:
    """The format that reads a JSON file: by content, then by name (an empty ``[]`` answer)."""
    by_content = (f for f in formats if f.sniff_json is not None and f.sniff_json(value))
    return next(by_content, None) or next((f for f in formats if path.name in f.file_names), None)


def _refuse_if_nested(name: str, value: object, formats: Sequence[InputFormat]) -> None:
    """A file no format reads whose content is an export one level down (wrapped in an array, or under a key of a
    small object) is an error naming the format, not a skip: skipped, an estate's whole authorization details or
    key listing would be lost from a report that still says it is complete."""
    children: list[tuple[str, object]] = []
    if isinstance(value, dict) and 0 < len(value) <= 3:
        children = [(f"under the key {quote(str(key))}", child) for key, child in value.items()]
    elif isinstance(value, list) and value:
        children = [(f"in the array's element [{index}]", child) for index, child in enumerate(value[:5])]
    for where, child in children:
        inner = next((f for f in formats if f.sniff_json is not None and f.sniff_json(child)), None)
        if inner is not None:
            raise InputError(
                name,
                f"not an export as written: it holds {inner.description} one level down ({where}); "
                "pass the command's output as it wrote it",
            )


def _text_format(path: Path, text: str, formats: Sequence[InputFormat]) -> InputFormat | None:
    """The format that reads a text file: by content, then by suffix."""
    by_content = (f for f in formats if f.sniff_text is not None and f.sniff_text(text))
    return next(by_content, None) or next((f for f in formats if path.suffix.lower() in f.suffixes), None)


def _with_secrets(detail: str, secrets: Sequence[SecretAtRest]) -> str:
    """A skipped or unusable file's line, saying that it holds secret material (where, never what)."""
    if not secrets:
        return detail
    first = secrets[0]
    more = f" and {len(secrets) - 1} more" if len(secrets) > 1 else ""
    return f"{detail}; it holds {first.looks_like} at {first.field}{more} (not shown: see secret-in-export)"


def load_inputs(paths: Sequence[Path], on_file: Callable[[int, int], None] | None = None) -> LoadedInputs:
    """Load every recognised file under ``paths``; unknown files are skipped, broken ones reported.

    ``on_file(done, total)`` is told before each file (a scan's progress line counts them)."""
    result = LoadedInputs()
    items = list(expand(paths))
    for done, item in enumerate(items):
        if on_file is not None:
            on_file(done, len(items))
        path, explicit, relative, name = item.path, item.explicit, item.relative, str(item.path)
        if item.problem is not None:
            result.sources.append(
                Source(path=name, kind=None, status=SourceStatus.SKIPPED, detail=bounded(f"{name}: {item.problem}"))
            )
            continue
        held = len(result.secrets)
        try:
            with unreadable.collecting() as notes:
                document = load_file(path, name, relative, result.secrets)
        except InputError as exc:
            detail = bounded(_with_secrets(exc.one_line(), result.secrets[held:]))
            result.sources.append(Source(path=name, kind=None, status=SourceStatus.ERROR, detail=detail))
            continue
        except LookupError as exc:
            status = SourceStatus.ERROR if explicit else SourceStatus.SKIPPED
            detail = bounded(_with_secrets(f"{name}: {exc}", result.secrets[held:]))
            result.sources.append(Source(path=name, kind=None, status=status, detail=detail))
            continue
        except OSError as exc:
            result.sources.append(
                Source(
                    path=name,
                    kind=None,
                    status=SourceStatus.ERROR,
                    detail=bounded(f"{name}: cannot read ({exc.strerror})"),
                )
            )
            continue
        result.documents.append(document)
        incomplete = getattr(document.payload, "incomplete", None)
        if notes:
            result.warnings.extend(unreadable.report_lines(name, notes))
            incomplete = incomplete or unreadable.summary(name, notes)
        result.sources.append(
            Source(
                path=name,
                kind=document.format.name,
                status=SourceStatus.PARTIAL if incomplete else SourceStatus.USED,
                detail=_partial_detail(name, incomplete) if incomplete else document.format.description,
                provider=document.format.provider,
            )
        )
    return result
