"""A local HTTP server on 127.0.0.1 answering like Microsoft Graph (``/v1.0``, ``/beta``) and Azure Resource
Manager (every other path) for the tenant of ``estate_graph`` / ``estate_arm``; it records every request.

Each request must carry a bearer token for the API it calls (``aud`` Graph or ARM), as the real APIs check. Tests
can deny every ARM call naming a subscription (403 AuthorizationFailed), make calls whose path and query match a
pattern fail always (403 without a licence, 400 for an unknown beta type) or the next few times (429 with
Retry-After, 503), or inject other faults of a real API (``inject``): an answer slower than the client's timeout,
an HTML page, a body cut short, a next-page link handed out again and again."""

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

from tests.live_azure.routes import ROUTES, Answer, Call, error, token_audience
from tests.trickle import write_trickled

AUDIENCES = {"graph": "https://graph.microsoft.com", "arm": "https://management.azure.com"}


HTML_PAGE = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream down</body></html>"


@dataclass(slots=True)
class Fault:
    """``kind``: status (an error answer), slow (the answer after ``seconds``), html (an HTML page with ``status``),
    truncated (half the body, the whole length announced), json (``document`` instead of the answer),
    gzip (a body said to be compressed that is not), drop (the connection closed without an
    answer), repeat (the next-page link is the page itself) or trickle (the body a byte every ``seconds``)."""

    pattern: re.Pattern[str]
    status: int
    code: str
    remaining: float
    retry_after: str | None = None
    kind: str = "status"
    seconds: float = 0.0
    document: Any = None
    message: str = ""
    #: repeat: a new next link each time instead of the page's own.
    endless: bool = False


@dataclass(slots=True)
class FakeAzure:
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

    def fail_next(self, pattern: str, status: int, times: int = 1, retry_after: str | None = "0") -> None:
        code = "TooManyRequests" if status == 429 else "ServiceUnavailable"
        with self.lock:
            self.faults.append(Fault(re.compile(pattern), status, code, times, retry_after))

    def fail_always(self, pattern: str, status: int, code: str) -> None:
        with self.lock:
            self.faults.append(Fault(re.compile(pattern), status, code, float("inf"), None))

    def inject(self, pattern: str, kind: str, *, times: float = float("inf"), status: int = 200, **more: Any) -> None:
        with self.lock:
            self.faults.append(Fault(re.compile(pattern), status, "Injected", times, kind=kind, **more))

    def _fault(self, target: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.pattern.search(target):
                    fault.remaining -= 1
                    return fault
        return None

    def answer(self, method: str, raw_path: str, headers: dict[str, str]) -> tuple[Answer, Fault | None]:
        split = urlsplit(raw_path)
        path = unquote(split.path)
        api = "graph" if path.startswith(("/v1.0/", "/beta/")) else "arm"
        found = next(((r, m) for r in ROUTES if r.api == api and (m := r.pattern.fullmatch(path))), None)
        call = Call(
            method=method,
            path=path,
            query=parse_qs(split.query),
            headers=headers,
            base=self.base,
            at=time.monotonic(),
            api=found[0].api if found else None,
            permission=found[0].permission if found else None,
        )
        with self.lock:
            self.calls.append(call)
        if method != "GET":
            return error(405, "MethodNotAllowed", f"{method} is not served here"), None
        if token_audience(headers) != AUDIENCES[api]:
            return error(401, "InvalidAuthenticationToken", f"a token for {AUDIENCES[api]} is needed"), None
        fault = self._fault(f"{path}?{unquote(split.query)}")
        if fault is not None and fault.kind == "status":
            return error(fault.status, fault.code, fault.message or f"failed on purpose ({fault.status})"), fault
        if api == "arm" and any(f"/subscriptions/{s}" in path.lower() for s in self.denied):
            message = f"The client does not have authorization to perform action over scope '{path}'"
            return error(403, "AuthorizationFailed", message), None
        if found is None:
            return error(404, "NotFound", f"no such resource: {method} {path}"), fault
        status, document = found[0].handler(call, found[1])
        if fault is not None and fault.kind == "repeat":  # the page names itself (or, endless, a new page)
            link = f"{self.base}{raw_path}" + (f"&page={time.monotonic_ns()}" if fault.endless else "")
            document = {**document, "@odata.nextLink": link, "nextLink": link}
        return (status, document), fault


def _reply(answer: Answer, fault: Fault | None) -> tuple[int, bytes, dict[str, str], int | None]:
    """Status, body, headers and (when cut short) the length announced, with the fault applied."""
    status, document = answer
    headers = {"Content-Type": "application/json; charset=utf-8"}
    data = json.dumps(fault.document if fault is not None and fault.kind == "json" else document).encode()
    if fault is None:
        return status, data, headers, None
    if fault.kind == "slow":
        time.sleep(fault.seconds)
    if fault.kind == "gzip":  # said to be compressed, and not
        return status, b"\x1f\x8b not gzip at all", {**headers, "Content-Encoding": "gzip"}, None
    if fault.kind == "html":
        return fault.status, HTML_PAGE.encode(), {"Content-Type": "text/html"}, None
    if fault.kind == "status" and fault.retry_after is not None:
        headers["Retry-After"] = fault.retry_after
    if fault.kind == "truncated":
        return status, data[: len(data) // 2], headers, len(data)
    return status, data, headers, None


def _server(fake: FakeAzure) -> ThreadingHTTPServer:
    class Handle(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real front ends
        disable_nagle_algorithm = True

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer, fault = fake.answer(self.command, self.path, headers)
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
        request_queue_size = 128

    server = Server(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    return server


@contextmanager
def running() -> Iterator[FakeAzure]:
    fake = FakeAzure()
    server = _server(fake)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-azure", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
