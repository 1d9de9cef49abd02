"""The IAM credential report: CSV as decoded, or the `aws iam get-credential-report` JSON (base64 Content)."""

from __future__ import annotations

import base64
import binascii
import csv
import io
import re
from datetime import datetime

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.records import CertSlot, CredentialReport, CredentialReportRow, KeySlot
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.unreadable import note_unreadable, readable, refuse_if_nothing_read, skip
from nhi_scan.errors import InputError
from nhi_scan.redact import quote
from nhi_scan.timeutil import parse_timestamp

COLUMNS = (
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
)
#: Without these the report cannot say anything about keys: refuse it.
REQUIRED = ("user", "arn", "access_key_1_active", "access_key_1_last_rotated")
#: Flags the report always writes as true or false (password_enabled is ``not_supported`` for the root user).
_WRITTEN_FLAGS = frozenset(
    {"mfa_active", "access_key_1_active", "access_key_2_active", "cert_1_active", "cert_2_active"}
)
_ROW_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(root|user(/[\w+=,.@-]+)*/[\w+=,.@-]+)$")
#: Values meaning "no value" (never used, not applicable, not tracked).
_EMPTY = frozenset({"", "n/a", "no_information", "not_supported"})


class _Row:
    __slots__ = ("line", "source", "values")

    def __init__(self, values: dict[str, str], source: str, line: int) -> None:
        self.values = values
        self.source = source
        self.line = line

    def text(self, column: str) -> str | None:
        value = (self.values.get(column) or "").strip()
        return None if value.lower() in _EMPTY else value

    def flag(self, column: str) -> bool | None:
        if column in _WRITTEN_FLAGS and column in self.values and not (self.values[column] or "").strip():
            raise InputError(self.source, "an empty value where IAM writes true or false", field=column, line=self.line)
        value = self.text(column)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise InputError(self.source, f"expected true or false, got {quote(value)}", field=column, line=self.line)

    def time(self, column: str) -> datetime | None:
        value = self.text(column)
        try:
            return parse_timestamp(value)
        except ValueError:
            raise InputError(
                self.source, f"not a timestamp: {quote(value or '')}", field=column, line=self.line
            ) from None

    def rotated(self, active: str, column: str) -> datetime | None:
        """When an active key or certificate was made: IAM always writes it, so an empty value there (or N/A) is an
        error, not "never rotated" (the key's age, and its rotation finding, would vanish)."""
        when = self.time(column)
        if when is None and self.flag(active) and column in self.values:
            value = (self.values[column] or "").strip()
            shown = quote(value) if value else "an empty value"
            raise InputError(
                self.source, f"{shown} where IAM writes the date of an active credential", field=column, line=self.line
            )
        return when


def sniff_text(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0].strip().lower()
    return first.startswith("user,arn,")


def sniff_json(value: object) -> bool:
    return isinstance(value, dict) and "Content" in value and "ReportFormat" in value


def _row(row: _Row) -> CredentialReportRow:
    user = row.text("user")
    arn = row.text("arn")
    if not user:
        raise InputError(row.source, "missing user name", field="user", line=row.line)
    if not arn or not arn.startswith("arn:"):
        raise InputError(row.source, f"not an ARN: {quote(arn or '')}", field="arn", line=row.line)
    if not _ROW_ARN.match(arn) or (arn.endswith(":root") != (user == "<root_account>")):
        raise InputError(row.source, f"not the ARN of an IAM user: {quote(arn)}", field="arn", line=row.line)
    if not arn.endswith(":root") and arn.rsplit("/", 1)[-1] != user:
        raise InputError(row.source, f"user {quote(user)} is not the user of the ARN", field="user", line=row.line)
    broken = next((column for column, value in row.values.items() if value and "\n" in value), None)
    if broken is not None:
        raise InputError(row.source, "a value spans lines (IAM never writes one)", field=broken, line=row.line)
    keys = tuple(
        KeySlot(
            index=i,
            active=bool(row.flag(f"access_key_{i}_active")),
            last_rotated=row.rotated(f"access_key_{i}_active", f"access_key_{i}_last_rotated"),
            last_used=row.time(f"access_key_{i}_last_used_date"),
            last_used_service=row.text(f"access_key_{i}_last_used_service"),
            last_used_region=row.text(f"access_key_{i}_last_used_region"),
        )
        for i in (1, 2)
    )
    certs = tuple(
        CertSlot(
            index=i,
            active=bool(row.flag(f"cert_{i}_active")),
            last_rotated=row.rotated(f"cert_{i}_active", f"cert_{i}_last_rotated"),
        )
        for i in (1, 2)
    )
    return CredentialReportRow(
        user=user,
        arn=arn,
        created=row.time("user_creation_time"),
        password_enabled=row.flag("password_enabled"),
        password_last_used=row.time("password_last_used"),
        password_last_changed=row.time("password_last_changed"),
        password_next_rotation=row.time("password_next_rotation"),
        mfa_active=row.flag("mfa_active"),
        keys=keys,
        certs=certs,
        line=row.line,
    )


def _skip_row(error: InputError, errors: list[InputError]) -> None:
    skip(error)
    errors.append(error)


def parse_csv(source: str, text: str) -> CredentialReport:
    """The report's rows; CSV the reader cannot split (a bare carriage return in an unquoted cell, which IAM never
    writes) refuses the file naming the line, since no row after it can be trusted to be cut where IAM cut it."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _parse_rows(source, reader, ended=text.endswith(("\n", "\r")))
    except csv.Error as exc:
        detail = str(exc).split(" - ")[0][:80]
        raise InputError(source, f"not CSV as IAM writes it: {detail}", line=reader.line_num + 1) from None


#: How IAM writes a row's last value (cert_2_last_rotated): N/A, or a whole timestamp.
_WHOLE_LAST = re.compile(r"N/A|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)", re.IGNORECASE)


def _cut_in_last_value(source: str, header: list[str], last: dict[str, str] | None, line: int) -> None:
    """A file cut short inside the last column of a row still splits into whole rows (``...,false,`` or
    ``...,2026-11-28T05``), so the rows after the cut would be lost unsaid: without the final newline, a last value
    that is not whole is said."""
    if last is None or not header or None in last or None in last.values():
        return  # no last row, or one already said to be short or long
    value = (last.get(header[-1]) or "").strip()
    if _WHOLE_LAST.fullmatch(value) is None:
        note_unreadable(
            source,
            header[-1],
            f"line {line}: the file ends inside this value ({quote(value)}): cut short? rows after it are not here",
        )


def _parse_rows(source: str, reader: csv.DictReader[str], *, ended: bool = True) -> CredentialReport:
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing_required = [column for column in REQUIRED if column not in header]
    if missing_required:
        raise InputError(
            source,
            "not an IAM credential report: CSV lacks the columns " + ", ".join(missing_required),
            line=1,
        )
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        raise InputError(source, "column given more than once: " + ", ".join(repeated)[:120], line=1)
    reader.fieldnames = header
    warnings = []
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        warnings.append(f"{source}: credential report lacks columns {', '.join(missing)}; those values are unknown")
    rows: list[CredentialReportRow] = []
    errors: list[InputError] = []
    seen: set[str] = set()
    last: dict[str, str] | None = None
    line = 1
    for raw in reader:
        line = reader.line_num
        last = raw
        if None in raw:
            _skip_row(InputError(source, "more values than header columns: the row is left out", line=line), errors)
        elif any(value is None for value in raw.values()):
            _skip_row(InputError(source, "fewer values than header columns (truncated row?)", line=line), errors)
        else:
            read = readable([_Row(raw, source, line)], _row, errors)
            for row in read:
                if row.arn in seen:
                    note_unreadable(source, "arn", f"line {line}: a second row of {quote(row.arn)}: left out")
                    continue
                seen.add(row.arn)
                rows.append(row)
    if not ended:
        _cut_in_last_value(source, header, last, line)
    refuse_if_nothing_read(errors, len(rows))
    if not rows:
        raise InputError(source, "credential report has a header but no rows")
    return CredentialReport(rows=tuple(rows), warnings=tuple(warnings))


def load(source: str, value: object) -> CredentialReport:
    if isinstance(value, dict):
        content = value.get("Content")
        if not isinstance(content, str):
            raise InputError(source, "expected base64 text", field="Content")
        try:
            value = base64.b64decode(content, validate=True).decode("utf-8-sig")
        except (binascii.Error, UnicodeDecodeError):
            raise InputError(source, "not base64-encoded CSV text", field="Content") from None
    if not isinstance(value, str):
        raise InputError(source, "expected CSV text")
    return parse_csv(source, value)


FORMAT = InputFormat(
    name="aws-credential-report",
    provider=AWS,
    description="IAM credential report",
    sniff_text=sniff_text,
    sniff_json=sniff_json,
    load=load,
    suffixes=(".csv",),
)
