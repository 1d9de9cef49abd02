"""A local HTTP server on 127.0.0.1 answering like the Google REST endpoints the collector calls (one base URL for
every API, as ``NHI_SCAN_GCP_ENDPOINT`` sets), serving ``estate``; it records every request.

Listings are paged one item per page so that page-following is exercised. Tests can deny every call naming a
project (403, as Google answers a caller without access), or make the next calls to a path fail (429, 503).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.live_gcp import estate as e
from tests.live_gcp.routes import ROUTES, Answer, Call, error


@dataclass(slots=True)
class Fault:
    pattern: re.Pattern[str]
    status: int
    remaining: int


@dataclass(slots=True)
class FakeGcp:
    calls: list[Call] = field(default_factory=list)
    denied: set[str] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.denied.clear()
            self.faults.clear()

    def fail_next(self, pattern: str, status: int, times: int = 1) -> None:
        with self.lock:
            self.faults.append(Fault(re.compile(pattern), status, times))

    def _fault(self, path: str) -> int | None:
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.pattern.search(path):
                    fault.remaining -= 1
                    return fault.status
        return None

    def _denied(self, path: str) -> bool:
        for project in self.denied:
            number = next(p["name"].partition("/")[2] for p in e.PROJECTS if p["projectId"] == project)
            if re.search(rf"(projects|namespaces)/({re.escape(project)}|{number})(?=[/:]|$)", path):
                return True
        return False

    def answer(self, method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> tuple[Answer, str | None]:
        split = urlsplit(raw_path)
        path, decoded = split.path, unquote(split.path)
        route = next(((r, m) for r in ROUTES if r.method == method and (m := r.pattern.fullmatch(path))), None)
        call = Call(
            method=method,
            path=path,
            query=parse_qs(split.query),
            body=body,
            headers=headers,
            permission=route[0].permission if route else None,
        )
        with self.lock:
            self.calls.append(call)
        status = self._fault(decoded)
        if status is not None:
            return error(status, "RESOURCE_EXHAUSTED" if status == 429 else "UNAVAILABLE", "try again"), "0"
        if self._denied(decoded):
            return error(403, "PERMISSION_DENIED", "The caller does not have permission", "IAM_PERMISSION_DENIED"), None
        if route is None:
            return error(404, "NOT_FOUND", f"no such resource: {method} {path}"), None
        return route[0].handler(call, route[1]), None


def _server(fake: FakeGcp) -> ThreadingHTTPServer:
    class Handle(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Google's front ends
        disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            (status, document), retry_after = fake.answer(self.command, self.path, body, headers)
            data = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, format: str, *args: Any) -> None:
            return None

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # many parallel calls: a full backlog would stall each by a SYN retry (1 s)

    server = Server(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    return server


@contextmanager
def running() -> Iterator[FakeGcp]:
    fake = FakeGcp()
    server = _server(fake)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-gcp", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
