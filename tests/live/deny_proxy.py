"""A pass-through HTTP proxy in front of moto that denies sts:AssumeRole into chosen accounts, as AWS does.

moto's AssumeRole succeeds for any role, even a missing one, and its IAM enforcement mode rejects every REST GET
(so Lambda, Bedrock and AgentCore reads would fail). A member account that refuses the scanner is therefore
simulated here: its role's trust policy trusts nobody (seeded so), and this proxy answers the AssumeRole call with
the error STS returns for that (HTTP 403 AccessDenied). Every other request is forwarded to moto unchanged.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_DENIAL = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: {caller} is not authorized to perform: \
sts:AssumeRole on resource: {role}</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>"""


def _handler(upstream: str, denied: frozenset[str], caller: str) -> type[BaseHTTPRequestHandler]:
    target = urllib.parse.urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fields = urllib.parse.parse_qs(body.decode("utf-8", "replace")) if body[:7] == b"Action=" else {}
            role = (fields.get("RoleArn") or [""])[0]
            if fields.get("Action") == ["AssumeRole"] and role.split(":")[4:5] and role.split(":")[4] in denied:
                answer = _DENIAL.format(caller=caller, role=role).encode()
                self.send_response(403)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                return
            connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            connection.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _relay

    return Handler


@contextmanager
def deny_proxy(upstream: str, denied: frozenset[str], caller: str) -> Iterator[str]:
    """Serve on a free 127.0.0.1 port; yield its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, denied, caller))
    thread = threading.Thread(target=server.serve_forever, name="deny-proxy", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
