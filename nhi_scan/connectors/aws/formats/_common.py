"""Helpers shared by the AWS format modules (private: not a format itself)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from nhi_scan.connectors.fields import Fields

_REGION = re.compile(r"^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)")


def sniff_answers(value: object, predicate: Callable[[dict[str, object]], bool]) -> bool:
    """One API answer (an object) or a JSON array of answers, each satisfying ``predicate``."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(item, dict) and predicate(item) for item in value)
    return isinstance(value, dict) and predicate(value)


def answers(source: str, value: object) -> list[Fields]:
    """The answers of a file holding one API answer or a JSON array of them (as `collect` writes them)."""
    if isinstance(value, list):
        return [Fields(item, source, f"[{index}]") for index, item in enumerate(value)]
    return [Fields(value, source)]


def lower_tags(entry: Fields, key: str = "tags") -> dict[str, str]:
    """``[{"key": k, "value": v}]`` tags (ECS, CodeBuild) as a dict."""
    result: dict[str, str] = {}
    for tag in entry.objects(key):
        result[tag.string("key")] = tag.opt_str("value") or ""
    return result


def map_tags(entry: Fields, key: str = "tags") -> dict[str, str]:
    """``{"k": "v"}`` tags (Bedrock, AgentCore) as a dict of strings."""
    tags = entry.obj(key)
    if tags is None:
        return {}
    return {str(k): str(v) for k, v in tags.raw.items()}


def region_of_zone(zone: str | None) -> str | None:
    """``us-east-1a`` or ``us-west-2-lax-1a`` -> the region, or None."""
    match = _REGION.match(zone or "")
    return match.group(1) if match else None


def id_from_name(source: str, pattern: str) -> str | None:
    """An id (key id, OU id, policy id...) found in the file name, for answers that do not repeat it."""
    match = re.search(pattern, PurePath(source).name)
    return match.group(0) if match else None
