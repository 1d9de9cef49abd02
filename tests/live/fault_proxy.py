"""A pass-through HTTP proxy in front of the moto server that injects the faults of a real AWS API into chosen
operations: throttling (with or without ``Retry-After``), 5xx, answers slower than the client's read timeout, HTML
error pages, truncated bodies, and paging that repeats its continuation tokens forever.

moto itself never fails like this. An operation is named as the request log names it (``tests/live/calls.py``:
the signing service and the API operation; a REST API's operation by the path its fault gives, since telling it
from botocore's models takes seconds), so a fault hits exactly the calls it is meant for.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.live.calls import _SCOPE
from tests.trickle import write_trickled

HTML_PAGE = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream down</body></html>"


@dataclass(slots=True)
class Fault:
    """``kind``: status, slow, html, truncated, repeat, body (``body`` as a 200 answer), gzip (a body said to be
    compressed that is not) or drop (the connection closed without an answer); ``times`` requests are hit (then
    the fault is spent)."""

    service: str
    operation: str
    kind: str
    times: float = float("inf")
    status: int = 400
    code: str = "Throttling"
    retry_after: str | None = None
    #: slow: seconds to sleep before answering; repeat: the tokens handed out in turn (none: a new one each time),
    #: under ``token_key`` in a JSON answer.
    seconds: float = 0.0
    tokens: tuple[str, ...] = ("same",)
    token_key: str = "NextMarker"
    body: bytes = b""
    message: str = ""
    #: A REST API's operation: a pattern of the request path.
    path: str | None = None
    hits: int = 0

    def matches(self, service: str, operation: str, path: str) -> bool:
        if self.service != service:
            return False
        return self.operation == operation or (self.path is not None and re.search(self.path, path) is not None)


@dataclass(slots=True)
class FaultProxy:
    url: str = ""
    faults: list[Fault] = field(default_factory=list)
    #: (service, operation) of every request, in order, and when it came.
    seen: list[tuple[str, str]] = field(default_factory=list)
    at: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, service: str, op: str, kind: str, **options: object) -> Fault:
        fault = Fault(service, op, kind, **options)  # type: ignore[arg-type]
        with self.lock:
            self.faults.append(fault)
        return fault

    def hit(self, service: str, operation: str, path: str) -> Fault | None:
        with self.lock:
            self.seen.append((service, operation or path))
            self.at.append(time.monotonic())
            for fault in self.faults:
                if fault.matches(service, operation, path) and fault.hits < fault.times:
                    fault.hits += 1
                    return fault
        return None

    def times(self, service: str, operation: str) -> list[float]:
        """When each request of the operation (or REST path) came."""
        with self.lock:
            return [at for seen, at in zip(self.seen, self.at, strict=True) if seen == (service, operation)]


def _operation(headers: dict[str, str], body: bytes) -> tuple[str, str]:
    """(signing service, operation) of a Query or JSON API request; operation "" for a REST API."""
    lowered = {k.lower(): v for k, v in headers.items()}
    scope = _SCOPE.search(lowered.get("authorization", ""))
    service = scope.group(1) if scope else "?"
    if lowered.get("x-amz-target"):
        return service, lowered["x-amz-target"].rsplit(".", 1)[-1]
    fields = urllib.parse.parse_qs(body.decode("utf-8", "replace")) if b"Action=" in body[:200] else {}
    return service, (fields.get("Action") or [""])[0]


def _error_body(query_api: bool, fault: Fault) -> tuple[bytes, dict[str, str]]:
    message = fault.message or f"injected {fault.code}"
    if query_api:  # Query / EC2 APIs answer XML
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{fault.code}</Code><Message>{message}</Message>"
            "</Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
        )
        return body.encode(), {"Content-Type": "text/xml"}
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": fault.code}
    return json.dumps({"__type": fault.code, "message": message}).encode(), headers


def _repeat(data: bytes, fault: Fault) -> bytes:
    """The page, saying there is another one, behind the next of the fault's tokens (forever)."""
    token = fault.tokens[(fault.hits - 1) % len(fault.tokens)] if fault.tokens else f"new-{fault.hits}"
    text = data.decode("utf-8")
    if text.lstrip().startswith("{"):
        document = json.loads(text)
        document[fault.token_key] = token
        return json.dumps(document).encode()
    marker = f"<IsTruncated>true</IsTruncated><Marker>{token}</Marker>"
    text = re.sub(r"<Marker>[^<]*</Marker>", "", text)
    return re.sub(r"<IsTruncated>false</IsTruncated>", marker, text, count=1).encode()


def _handler(proxy: FaultProxy, upstream: str) -> type[BaseHTTPRequestHandler]:
    target = urllib.parse.urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def _send(
            self, status: int, data: bytes, headers: dict[str, str], *, length: int | None = None, every: float = 0
        ) -> None:
            """``every``: the body a byte at a time, this many seconds apart."""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data) if length is None else length))
            self.end_headers()
            if not every:
                self.wfile.write(data)
                return
            try:
                write_trickled(self.wfile, data, every)
            except OSError:  # the client gave up
                self.close_connection = True

        def _upstream(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
            connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            kept = {
                k: v
                for k, v in response.getheaders()
                if k.lower() not in ("transfer-encoding", "connection", "content-length")
            }
            connection.close()
            return response.status, kept, data

        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            service, name = _operation(dict(self.headers.items()), body)
            fault = proxy.hit(service, name, urllib.parse.urlsplit(self.path).path)
            if fault is None:
                self._send(*self._forward(body))
                return
            if fault.kind == "status":
                data, headers = _error_body(body[:7] == b"Action=", fault)
                if fault.retry_after is not None:
                    headers["Retry-After"] = fault.retry_after
                self._send(fault.status, data, headers)
            elif fault.kind == "drop":  # the connection closed without an answer
                self.close_connection = True
            elif fault.kind == "body":
                self._send(200, fault.body, {"Content-Type": "application/json"})
            elif fault.kind == "gzip":  # said to be compressed, and not
                self._send(200, b"\x1f\x8b not gzip at all", {"Content-Encoding": "gzip"})
            elif fault.kind == "html":
                self._send(fault.status, HTML_PAGE, {"Content-Type": "text/html"})
            elif fault.kind == "slow":
                time.sleep(fault.seconds)
                self._send(*self._forward(body))
            elif fault.kind == "trickle":
                self._send(*self._forward(body), every=fault.seconds)
            elif fault.kind == "truncated":
                status, headers, data = self._upstream(body)
                self._send(status, data[: len(data) // 2], headers, length=len(data))
                self.close_connection = True
            elif fault.kind == "repeat":
                status, headers, data = self._upstream(body)
                self._send(status, _repeat(data, fault), headers)
            else:
                raise ValueError(f"unknown fault kind {fault.kind}")

        def _forward(self, body: bytes) -> tuple[int, bytes, dict[str, str]]:
            status, headers, data = self._upstream(body)
            return status, data, headers

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _relay

    return Handler


@contextmanager
def fault_proxy(upstream: str) -> Iterator[FaultProxy]:
    """Serve on a free 127.0.0.1 port in front of ``upstream``."""
    proxy = FaultProxy()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(proxy, upstream))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fault-proxy", daemon=True)
    thread.start()
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
