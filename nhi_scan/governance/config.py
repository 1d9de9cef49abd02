"""The governance file: nhi-scan.toml, or [tool.nhi-scan] in pyproject.toml.

Thresholds, owner tag keys, severity overrides, enabled/disabled checks and suppressions live in the repository
next to the pipeline, so a risk is accepted in review with a reason, an owner and an expiry date. Every mistake is
one line naming the file and the key, because a silently ignored typo would silently change what CI enforces.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from nhi_scan.checks import all_checks
from nhi_scan.errors import UsageError
from nhi_scan.model import Finding, Severity
from nhi_scan.settings import Settings

CONFIG_FILE = "nhi-scan.toml"
PYPROJECT = "pyproject.toml"
#: Settings fields that are thresholds in days, by their key in the file.
THRESHOLD_KEYS = {f.name.replace("_", "-"): f.name for f in fields(Settings) if f.name.endswith("_days")}
_TOP_KEYS = {*THRESHOLD_KEYS, "owner-tag-keys", "fail-on", "checks", "suppressions", "sarif"}
_GLOB_CHARS = frozenset("*?[")


class ConfigError(UsageError):
    """A bad configuration: one line naming the file and the key."""

    def __init__(self, source: str, key: str, detail: str) -> None:
        super().__init__(f"{source}: {key}: {detail}" if key else f"{source}: {detail}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Suppression:
    """An accepted risk: findings of ``check`` whose subject (or identity) matches ``subject``."""

    check: str
    subject: str
    reason: str
    owner: str
    expires: date
    #: Where it is declared, e.g. "nhi-scan.toml: suppressions[2]" (shown wherever it takes effect).
    declared_in: str

    def matches(self, finding: Finding) -> bool:
        if not fnmatchcase(finding.check_id, self.check):
            return False
        targets = (finding.subject, finding.identity) if finding.identity else (finding.subject,)
        return any(fnmatchcase(target, self.subject) for target in targets)

    def expired(self, today: date) -> bool:
        """A suppression holds through its expiry day and stops the day after."""
        return today > self.expires


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    #: The file it came from; None when no file was found (all defaults).
    source: str | None = None
    thresholds: Mapping[str, int] = field(default_factory=dict)
    owner_tag_keys: tuple[str, ...] | None = None
    fail_on: Severity | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)
    #: Only these checks report; None = every check.
    enabled: frozenset[str] | None = None
    disabled: frozenset[str] = frozenset()
    suppressions: tuple[Suppression, ...] = ()
    sarif_base: str | None = None
    sarif_anchor: str | None = None

    def settings(self, **overrides: Any) -> Settings:
        """Defaults < this file < the command line (``overrides`` whose value is not None)."""
        values: dict[str, Any] = dict(self.thresholds)
        if self.owner_tag_keys is not None:
            values["owner_tag_keys"] = self.owner_tag_keys
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return replace(Settings(), **values)
        except ValueError as exc:
            raise ConfigError(self.source or "command line", "", str(exc)) from None

    def sarif_base_path(self) -> Path | None:
        """``sarif.base`` is relative to the directory of the file that sets it."""
        if self.sarif_base is None:
            return None
        anchor = Path(self.source).parent if self.source else Path.cwd()
        return anchor / self.sarif_base

    def check_enabled(self, check_id: str) -> bool:
        return check_id not in self.disabled and (self.enabled is None or check_id in self.enabled)


def discover(directory: Path) -> Path | None:
    """nhi-scan.toml in ``directory``, else its pyproject.toml when that has a [tool.nhi-scan] table."""
    candidate = directory / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = directory / PYPROJECT
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # not ours to judge unless it is named with --config
        if isinstance(data.get("tool"), dict) and "nhi-scan" in data["tool"]:
            return pyproject
    return None


def load_config(path: Path | None, *, search_dir: Path | None = None) -> Config:
    """Load ``path``, or discover a file in ``search_dir`` (default: the current directory)."""
    if path is None:
        path = discover(search_dir or Path.cwd())
        if path is None:
            return Config()
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(source, "", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(source, "", f"cannot read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"invalid TOML: {exc}") from None
    prefix = ""
    if path.name == PYPROJECT:
        tool = data.get("tool")
        if not isinstance(tool, dict) or not isinstance(tool.get("nhi-scan"), dict):
            raise ConfigError(source, "tool.nhi-scan", "missing: this pyproject.toml has no [tool.nhi-scan] table")
        data, prefix = tool["nhi-scan"], "tool.nhi-scan."
    return parse_config(data, source=source, prefix=prefix)


def parse_config(data: Mapping[str, Any], *, source: str, prefix: str = "") -> Config:
    reader = _Reader(source, prefix)
    table = reader.keys(data, "", _TOP_KEYS)
    thresholds = {THRESHOLD_KEYS[k]: reader.days(v, k) for k, v in table.items() if k in THRESHOLD_KEYS}
    checks = reader.keys(reader.table(table.get("checks", {}), "checks"), "checks", {"enabled", "disabled", "severity"})
    sarif = reader.keys(reader.table(table.get("sarif", {}), "sarif"), "sarif", {"base", "anchor"})
    enabled = checks.get("enabled")
    severities = reader.table(checks.get("severity", {}), "checks.severity")
    return Config(
        source=source,
        thresholds=thresholds,
        owner_tag_keys=tuple(reader.strings(table["owner-tag-keys"], "owner-tag-keys"))
        if "owner-tag-keys" in table
        else None,
        fail_on=reader.severity(table["fail-on"], "fail-on") if "fail-on" in table else None,
        severity={
            reader.check_id(k, f"checks.severity.{k}"): reader.severity(v, f"checks.severity.{k}")
            for k, v in severities.items()
        },
        enabled=None if enabled is None else frozenset(reader.check_ids(enabled, "checks.enabled")),
        disabled=frozenset(reader.check_ids(checks.get("disabled", []), "checks.disabled")),
        suppressions=tuple(reader.suppressions(table.get("suppressions", []))),
        sarif_base=reader.text(sarif["base"], "sarif.base") if "base" in sarif else None,
        sarif_anchor=reader.text(sarif["anchor"], "sarif.anchor") if "anchor" in sarif else None,
    )


class _Reader:
    """Typed reads of TOML values; every error names the file and the full key."""

    def __init__(self, source: str, prefix: str) -> None:
        self.source = source
        self.prefix = prefix
        self.known_checks = {c.id for c in all_checks()}

    def fail(self, key: str, detail: str) -> ConfigError:
        return ConfigError(self.source, self.prefix + key if key else self.prefix.rstrip("."), detail)

    def keys(self, table: Mapping[str, Any], where: str, allowed: Iterable[str]) -> dict[str, Any]:
        allowed = set(allowed)
        normalised: dict[str, Any] = {}
        for key, value in table.items():
            name = key.replace("_", "-")
            if name not in allowed:
                full = f"{where}.{key}" if where else key
                raise self.fail(full, f"unknown key (expected one of: {', '.join(sorted(allowed))})")
            normalised[name] = value
        return normalised

    def table(self, value: object, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {_type(value)}")
        return value

    def text(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {_type(value)}")
        return value.strip()

    def strings(self, value: object, key: str) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list of strings, got {_type(value)}")
        return [self.text(item, f"{key}[{index}]") for index, item in enumerate(value)]

    def days(self, value: object, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, f"expected a whole number of days >= 0, got {value!r}")
        return value

    def severity(self, value: object, key: str) -> Severity:
        try:
            return Severity.parse(self.text(value, key))
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None

    def check_id(self, value: str, key: str) -> str:
        if value not in self.known_checks:
            raise self.fail(key, f"unknown check id {value!r} (`nhi-scan checks` lists them)")
        return value

    def check_ids(self, value: object, key: str) -> list[str]:
        return [self.check_id(item, f"{key}[{i}]") for i, item in enumerate(self.strings(value, key))]

    def expires(self, value: object, key: str) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(key, f"expected a date like 2026-12-31, got {value!r}")

    def suppressions(self, value: object) -> Iterable[Suppression]:
        if not isinstance(value, list):
            raise self.fail("suppressions", "expected an array of tables ([[suppressions]])")
        required = ("check", "subject", "reason", "owner", "expires")
        for index, item in enumerate(value, start=1):
            where = f"suppressions[{index}]"
            entry = self.keys(self.table(item, where), where, required)
            for name in required:
                if name not in entry:
                    raise self.fail(
                        f"{where}.{name}",
                        "required (every suppression needs check, subject, reason, owner and expires)",
                    )
            check = self.text(entry["check"], f"{where}.check")
            if not _GLOB_CHARS.intersection(check):
                self.check_id(check, f"{where}.check")
            yield Suppression(
                check=check,
                subject=self.text(entry["subject"], f"{where}.subject"),
                reason=self.text(entry["reason"], f"{where}.reason"),
                owner=self.text(entry["owner"], f"{where}.owner"),
                expires=self.expires(entry["expires"], f"{where}.expires"),
                declared_in=f"{self.source}: {self.prefix}{where}",
            )


def _type(value: object) -> str:
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
