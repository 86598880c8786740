"""Fixtures for the document tests: a real `chroma run` server, both back ends, a loopback web server,
and a small PDF writer (so every format comes from a file the test writes)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from bot.core import Citebot
from tests.helpers import ARTICLE_HTML, SCRIPT_ONLY, ChromaServer, pdf_bytes, serving

BIG = 50 * 1024 * 1024


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """One Chroma server for the whole session; each test uses its own collection names on it."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings overrides for the back end under test: embedded Chroma, or the `chroma run` server."""
    if request.param == "embedded":
        return {}
    request.node.add_marker(pytest.mark.chroma_server)
    server: ChromaServer = request.getfixturevalue("chroma_server")
    return {"chroma_url": server.url, "collection": f"t{uuid.uuid4().hex[:12]}"}


@pytest.fixture
def docbot(make_bot: Callable[..., Citebot], backend: dict[str, Any]) -> Citebot:
    return make_bot(**backend)


HTML = {"Content-Type": "text/html; charset=utf-8"}
ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/article.html": (200, HTML, ARTICLE_HTML.encode()),
    "/notes.txt": (200, {"Content-Type": "text/plain; charset=utf-8"}, b"Notes\n\nThe TB2 is small.\n"),
    "/report.pdf": (200, {"Content-Type": "application/pdf"}, pdf_bytes(["Page one.", "Page two."])),
    "/image.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + bytes(64)),
    "/data.json": (200, {"Content-Type": "application/json"}, b'{"a": 1}'),
    "/moved": (302, {"Location": "/article.html"}, b""),
    "/loop-a": (302, {"Location": "/loop-b"}, b""),
    "/loop-b": (302, {"Location": "/loop-a"}, b""),
    "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
    "/empty.html": (200, HTML, SCRIPT_ONLY),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/huge":  # 50 MB, declared
            return self.stream(BIG, declare=True)
        if self.path == "/huge-chunked":  # 50 MB, no Content-Length
            return self.stream(BIG, declare=False)
        if self.path == "/silent":
            time.sleep(5)
        status, headers, body = ROUTES.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up first (the timeout test)

    def stream(self, size: int, declare: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if declare:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"<p>" + b"word " * 13_000 + b"</p>\n"
        try:
            for _ in range(size // len(chunk) + 1):
                self.wfile.write(chunk)
        except OSError:
            pass  # the client hung up at its size limit, as it should

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def web() -> Iterator[str]:
    """A web server on 127.0.0.1 serving the routes above; yields its base URL."""
    with serving(Handler) as url:
        yield url
