"""A local HTTP server on 127.0.0.1 answering like the Google REST endpoints the collector calls (one base URL for
every API, as ``NHI_SCAN_GCP_ENDPOINT`` sets), serving ``estate``; it records every request.

Listings are paged one item per page so that page-following is exercised. Tests can deny every call naming a
project (403, as Google answers a caller without access), make the next calls to a path fail (429, 503), or inject
other faults of a real API (``inject``): an answer slower than the client's timeout, an HTML page, a body cut
short, a page token handed out again and again.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.live_gcp import estate as e
from tests.live_gcp.routes import ROUTES, Answer, Call, error
from tests.trickle import write_trickled

HTML_PAGE = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream down</body></html>"


@dataclass(slots=True)
class Fault:
    """``kind``: status (answer ``status``), slow (answer after ``seconds``), html (an HTML page with ``status``),
    truncated (half the body, the whole length announced), json (``document`` instead of the answer),
    gzip (a body said to be compressed that is not), drop (the connection closed without an
    answer), repeat (``nextPageToken`` always ``token``) or trickle (the body a byte every ``seconds``)."""

    pattern: re.Pattern[str]
    status: int
    remaining: float
    kind: str = "status"
    retry_after: str | None = "0"
    seconds: float = 0.0
    token: str = "again"
    document: Any = None
    message: str = "try again"


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

    def inject(self, pattern: str, kind: str, *, times: float = float("inf"), status: int = 200, **more: Any) -> None:
        with self.lock:
            self.faults.append(Fault(re.compile(pattern), status, times, kind, **more))

    def _fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.pattern.search(path):
                    fault.remaining -= 1
                    return fault
        return None

    def _denied(self, path: str) -> bool:
        for project in self.denied:
            number = next(p["name"].partition("/")[2] for p in e.PROJECTS if p["projectId"] == project)
            if re.search(rf"(projects|namespaces)/({re.escape(project)}|{number})(?=[/:]|$)", path):
                return True
        return False

    def answer(self, method: str, raw_path: str, body: bytes, headers: dict[str, str]) -> tuple[Answer, Fault | None]:
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
            at=time.monotonic(),
        )
        with self.lock:
            self.calls.append(call)
        fault = self._fault(decoded)
        if fault is not None and fault.kind == "status":
            state = "RESOURCE_EXHAUSTED" if fault.status == 429 else "UNAVAILABLE"
            return error(fault.status, state, fault.message), fault
        if self._denied(decoded):
            return error(403, "PERMISSION_DENIED", "The caller does not have permission", "IAM_PERMISSION_DENIED"), None
        if route is None:
            return error(404, "NOT_FOUND", f"no such resource: {method} {path}"), fault
        return route[0].handler(call, route[1]), fault


def _reply(answer: Answer, fault: Fault | None) -> tuple[int, bytes, dict[str, str], int | None]:
    """Status, body, headers and (when cut short) the length announced, with the fault applied."""
    status, document = answer
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    if fault is None:
        return status, json.dumps(document).encode(), headers, None
    if fault.kind == "slow":
        time.sleep(fault.seconds)
    if fault.kind == "gzip":  # said to be compressed, and not
        return status, b"\x1f\x8b not gzip at all", {**headers, "Content-Encoding": "gzip"}, None
    if fault.kind == "html":
        return fault.status, HTML_PAGE.encode(), {"Content-Type": "text/html"}, None
    if fault.kind == "repeat":  # token "": a new one each time, without end
        document = {**document, "nextPageToken": fault.token or f"new-{time.monotonic_ns()}"}
    if fault.kind == "json":
        document = fault.document
    data = json.dumps(document).encode()
    if fault.retry_after is not None and fault.kind == "status":
        headers["Retry-After"] = fault.retry_after
    if fault.kind == "truncated":
        return status, data[: len(data) // 2], headers, len(data)
    return status, data, headers, None


def _server(fake: FakeGcp) -> ThreadingHTTPServer:
    class Handle(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Google's front ends
        disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer, fault = fake.answer(self.command, self.path, body, headers)
            if fault is not None and fault.kind == "drop":  # the connection closed without an answer
                self.close_connection = True
                return
            status, data, reply_headers, announced = _reply(answer, fault)
            self.send_response(status)
            for key, value in reply_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(announced or len(data)))
            self.end_headers()
            try:
                if fault is not None and fault.kind == "trickle":  # a byte at a time, each within the read timeout
                    write_trickled(self.wfile, data, fault.seconds)
                else:
                    self.wfile.write(data)
            except OSError:  # the client gave up waiting (a slow answer): nothing to tell it
                return
            if announced is not None:
                self.close_connection = True

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
