"""A small Chrome DevTools Protocol client over ``--remote-debugging-pipe``: no port, no websocket, no dependency.

Chromium reads commands from its fd 3 and writes answers and events to its fd 4, each a JSON message ended by a NUL
byte. Enough of the protocol to open a page, listen to its console and network, evaluate script, click, type and
take a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

#: Debian's package; Ubuntu's old name.
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def find_browser() -> str | None:
    return next((p for p in BROWSERS if Path(p).exists()), None) or shutil.which("chromium")


class Browser:
    """One headless Chromium with one page attached (``session``); ``events`` keeps every event received."""

    def __init__(self, executable: str, profile: Path, *, timeout: float = 20.0) -> None:
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._next_id = 0
        self._buffer = b""
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()

        def wire_fds() -> None:
            """In the child: the pipe ends at fds 3 and 4, by way of fds >= 10 (either end may itself be 3 or 4,
            and dup2 onto the same number would keep its close-on-exec flag)."""
            read_end, write_end = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser))
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        args = [
            executable,
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--proxy-server=127.0.0.1:9",  # belt and braces: any request the page made would go nowhere
            "--window-size=1280,900",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds,  # only dup2 runs in the child
            close_fds=False,
        )
        os.close(to_browser)
        os.close(from_browser)
        page = next(t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        attached = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)
        self.session: str = attached["sessionId"]

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its answer (events received meanwhile go to ``events``)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        answer = self._receive(lambda m: m.get("id") == self._next_id)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        result: dict[str, Any] = answer.get("result", {})
        return result

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        """A command to the attached page."""
        return self.send(method, self.session, **params)

    def wait_event(self, method: str) -> dict[str, Any]:
        """The first event ``method`` received (already or from now on)."""
        seen = next((e for e in self.events if e["method"] == method), None)
        return seen or self._receive(lambda m: m.get("method") == method)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` in the page (a thrown error fails the test)."""
        done = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in done:
            raise AssertionError(f"{expression!r} threw: {done['exceptionDetails']}")
        return done["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) at the middle of the element ``selector``."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
        box = self.evaluate(
            f"(function () {{ var r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.page("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def type_into(self, selector: str, text: str) -> None:
        """Focus ``selector`` and type ``text`` as keyboard input (the page gets its input events)."""
        self.click(selector)
        for char in text:
            self.page("Input.dispatchKeyEvent", type="keyDown", text=char, key=char)
            self.page("Input.dispatchKeyEvent", type="keyUp", key=char)

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.page("Page.captureScreenshot", format="png")["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._to_browser)
        os.close(self._from_browser)

    def _receive(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message: dict[str, Any] = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError(f"no answer from Chromium within {self.timeout} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise OSError(f"Chromium closed its pipe (exit code {self.process.poll()})")
            self._buffer += chunk
