"""Which AWS API operation each request recorded by the moto server was, read from the request alone.

Query APIs name it in ``Action=``, JSON APIs in ``X-Amz-Target``; REST APIs are matched against botocore's
service models (HTTP method and request URI) of the services signed under the request's credential scope.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


@cache
def _rest_routes(signing_name: str) -> list[tuple[str, re.Pattern[str], int, str]]:
    import botocore.session

    session = botocore.session.get_session()
    routes = []
    for service in session.get_available_services():
        model = session.get_service_model(service)
        if model.signing_name != signing_name or model.protocol not in ("rest-json", "rest-xml"):
            continue
        for name in model.operation_names:
            http = model.operation_model(name).http
            uri = http["requestUri"].split("?", 1)[0]
            parts = re.split(r"(\{[^}]+\})", uri)
            regex = "".join(
                (".+" if p.endswith("+}") else "[^/]+") if p.startswith("{") else re.escape(p) for p in parts
            )
            literal = sum(len(p) for p in parts if not p.startswith("{"))
            routes.append((http["method"], re.compile(regex.rstrip("/") + "/?"), literal, name))
    return routes


def operation(entry: dict[str, Any]) -> tuple[str, str]:
    """(signing service, operation name) of one recorded request; operation "?" when it cannot be told."""
    headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
    scope = _SCOPE.search(headers.get("authorization", ""))
    service = scope.group(1) if scope else "?"
    if headers.get("x-amz-target"):
        return service, headers["x-amz-target"].rsplit(".", 1)[-1]
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        body = base64.b64decode(body).decode("utf-8", "replace")
    action = urllib.parse.parse_qs(body).get("Action") if body.startswith("Action=") or "&Action=" in body else None
    query = urllib.parse.urlsplit(entry["url"])
    action = action or urllib.parse.parse_qs(query.query).get("Action")
    if action:
        return service, action[0]
    matches = [
        (literal, name)
        for method, regex, literal, name in _rest_routes(service)
        if method == entry["method"] and regex.fullmatch(urllib.parse.unquote(query.path))
    ]
    return service, max(matches)[1] if matches else "?"


def recorded_operations(recording: Path) -> list[tuple[str, str]]:
    lines = recording.read_text().splitlines() if recording.exists() else []
    return [operation(json.loads(line)) for line in lines if line.strip()]
