"""The real programs a report's readers use, driven by the tests: headless Chromium (Debian's
``chromium``) through the DevTools protocol, and poppler's ``pdftotext``/``pdfinfo``.

They are needed, not optional: a test that cannot find one fails and says how to install it
(``.ci/run`` installs both on a fresh Debian or Ubuntu machine). Chromium is spoken to over
``--remote-debugging-pipe`` (the protocol's JSON messages on file descriptors 3 and 4, each ended
by a NUL byte), so no port is opened and no WebSocket library is needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INSTALL = (
    "on Debian or Ubuntu, as root, `apt-get update && apt-get install -y --no-install-recommends "
    "chromium poppler-utils` (.ci/run does this)"
)


def tool(*names: str) -> str:
    """The path of the first of ``names`` on PATH; fails (never skips) naming what to install."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"{' or '.join(names)} is needed by the report's tests and is not installed: {INSTALL}", pytrace=False)


# --- Chromium ---------------------------------------------------------------------------------

#: Runs Chromium with the two pipe ends the parent passed moved to descriptors 3 and 4.
_WITH_PIPES = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.close(int(sys.argv[1])); os.close(int(sys.argv[2])); os.execv(sys.argv[3], sys.argv[3:])"
)


@dataclass
class Loaded:
    """What happened while a page loaded: the protocol's events, and `facts` of the script run
    in the page once it had loaded."""

    url: str
    events: list[dict] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def named(self, method: str) -> list[dict]:
        return [event["params"] for event in self.events if event.get("method") == method]

    @property
    def requests(self) -> list[str]:
        """Every URL the page asked for, the page itself included."""
        return [params["request"]["url"] for params in self.named("Network.requestWillBeSent")]

    @property
    def outside_requests(self) -> list[str]:
        """The URLs asked for that are neither the page nor inside it (``data:``)."""
        return [url for url in self.requests if url != self.url and not url.startswith("data:")]

    @property
    def console_errors(self) -> list[str]:
        """Errors the console shows: console.error calls, uncaught exceptions and the browser's
        own messages (a failed load, a blocked resource) at level error."""
        found = [
            " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
            for params in self.named("Runtime.consoleAPICalled")
            if params.get("type") in ("error", "assert")
        ]
        found += [params["exceptionDetails"].get("text", "") for params in self.named("Runtime.exceptionThrown")]
        found += [
            f"{params['entry'].get('text', '')} {params['entry'].get('url', '')}".strip()
            for params in self.named("Log.entryAdded")
            if params["entry"].get("level") == "error"
        ]
        found += [
            f"{params.get('errorText', '')} (request {params.get('requestId')})"
            for params in self.named("Network.loadingFailed")
        ]
        return found


#: Run in the page after it loaded: its images, its width and its tables' boxes.
PAGE_FACTS = """(() => {
  const visible = (e) => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility === 'visible' && s.display !== 'none'
      && parseFloat(s.opacity) > 0;
  };
  const box = (t) => {
    let e = t.parentElement;
    while (e && !['auto', 'scroll'].includes(getComputedStyle(e).overflowX)) e = e.parentElement;
    return e;
  };
  return {
    lang: document.documentElement.lang,
    title: document.title,
    viewport: (document.querySelector('meta[name=viewport]') || {}).content || null,
    innerWidth: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    bodyFontPx: parseFloat(getComputedStyle(document.querySelector('p') || document.body).fontSize),
    scripts: document.scripts.length,
    images: [...document.images].map((i) => ({
      complete: i.complete, naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight,
      width: i.getBoundingClientRect().width, left: i.getBoundingClientRect().left,
      right: i.getBoundingClientRect().right, visible: visible(i), alt: i.alt,
    })),
    tables: [...document.querySelectorAll('table')].map((t) => {
      const b = box(t);
      return {
        width: t.getBoundingClientRect().width,
        boxRight: b ? b.getBoundingClientRect().right : null,
        boxLeft: b ? b.getBoundingClientRect().left : null,
        scrolls: b ? b.scrollWidth > b.clientWidth : false,
      };
    }),
  };
})()"""


class Chromium:
    """One headless Chromium, driven through the DevTools protocol over a pipe."""

    def __init__(self, profile: Path) -> None:
        chromium = tool("chromium", "chromium-browser", "google-chrome")
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()
        # The child's ends above 9, so that moving them to 3 and 4 cannot overwrite one another.
        to_browser, from_browser = (self._above_nine(fd) for fd in (to_browser, from_browser))
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WITH_PIPES,
                str(to_browser),
                str(from_browser),
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND",  # a request that leaves the page goes nowhere
                "about:blank",
            ],
            pass_fds=(to_browser, from_browser),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []

    @staticmethod
    def _above_nine(fd: int) -> int:
        import fcntl

        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return moved

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(AssertionError, OSError, TimeoutError):
            self.send("Browser.close", timeout=10)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise AssertionError(f"Chromium closed the pipe (exit code {self.process.poll()})")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        """The result of one command (``session`` for a page's commands); events that arrive
        meanwhile are kept."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next_id:
                assert "error" not in answer, f"{method}: {answer['error']}"
                return answer.get("result", {})
            self._events.append(answer)

    def wait_for(self, method: str, session: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        for event in self._events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            event = self._read(deadline)
            self._events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event

    def load(self, page: Path, width: int = 1280, height: int = 900, mobile: bool = False) -> Loaded:
        """Open ``page`` in a new tab of ``width`` x ``height`` CSS pixels (a phone's screen when
        ``mobile``), wait for its load event and a moment more, and report what happened."""
        url = page.resolve().as_uri()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        start = len(self._events)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile},
            session=session,
        )
        if mobile:
            self.send("Emulation.setTouchEmulationEnabled", {"enabled": True}, session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session, timeout=120)
        self.send(  # a moment for anything the load event does not wait for
            "Runtime.evaluate",
            {"expression": "new Promise((done) => setTimeout(done, 500))", "awaitPromise": True},
            session=session,
        )
        facts = self.send("Runtime.evaluate", {"expression": PAGE_FACTS, "returnByValue": True}, session=session)
        assert "exceptionDetails" not in facts, facts
        events = [e for e in self._events[start:] if e.get("sessionId") == session]
        self.send("Target.closeTarget", {"targetId": target})
        return Loaded(url=url, events=events, facts=facts["result"]["value"])

    def print_to_pdf(self, page: Path, target: Path) -> Path:
        """``page`` printed by Chromium itself (A4, its own print style sheet) to ``target``."""
        import base64

        target_id = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target_id, "flatten": True})["sessionId"]
        self.send("Page.enable", session=session)
        self.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        self.wait_for("Page.loadEventFired", session, timeout=120)
        printed = self.send(
            "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}, session=session, timeout=180
        )
        target.write_bytes(base64.b64decode(printed["data"]))
        self.send("Target.closeTarget", {"targetId": target_id})
        return target


# --- poppler --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    x_max: float
    page_width: float


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>')


def pdf_words(pdf: Path) -> tuple[list[tuple[float, float]], list[Word]]:
    """The page sizes (points) of ``pdf`` and every word on them with its box, by ``pdftotext
    -bbox``."""
    import html

    listed = subprocess.run(
        [tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    pages, words = [], []
    for number, match in enumerate(_PAGE.finditer(listed), start=1):
        width, height = float(match.group(1)), float(match.group(2))
        pages.append((width, height))
        for x_min, x_max, text in _WORD.findall(match.group(3)):
            words.append(Word(number, html.unescape(text), float(x_min), float(x_max), width))
    return pages, words


def pdf_catalog(pdf: Path) -> bytes:
    """The PDF's bytes with its compressed object streams left as they are: the catalog's keys
    (``/StructTreeRoot``, ``/MarkInfo``, ``/Lang``) are searched in the raw file and, when
    WeasyPrint puts them in an object stream, in the streams inflated."""
    import zlib

    raw = pdf.read_bytes()
    parts = [raw]
    for match in re.finditer(rb"stream\r?\n", raw):
        end = raw.find(b"endstream", match.end())
        try:
            parts.append(zlib.decompress(raw[match.end() : end]))
        except zlib.error:
            continue
    return b"\n".join(parts)
