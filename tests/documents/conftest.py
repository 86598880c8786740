"""Fixtures for the document tests: a real `chroma run` server, both back ends, a loopback web server,
and a small PDF writer (so every format comes from a file the test writes)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.core import Citebot

CHROMA = Path(sys.executable).with_name("chroma")
BIG = 50 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ChromaServer:
    """A `chroma run` process on 127.0.0.1 that tests may stop and start again on the same port."""

    def __init__(self, path: Path) -> None:
        self.path, self.port = path, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1"]
        command += ["--port", str(self.port)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        pytest.fail("chroma run did not start within 60 s")

    def stop(self) -> None:
        if self.process:
            self.process.kill()
            self.process.wait(10)
            self.process = None


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


def pdf_bytes(pages: list[str], title: str | None = None) -> bytes:
    """A minimal, valid PDF with one line of Helvetica text per line of each page."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        lines = [pdf_escape(line) for line in text.split("\n")]
        body = "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
        objects.append(f"<< /Length {len(body.encode('latin-1'))} >>\nstream\n{body}\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
            "/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    info = ""
    if title:
        objects.append(f"<< /Title ({title}) /CreationDate (D:20230504100000Z) >>")
        info = f" /Info {len(objects)} 0 R"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


SCRIPT_ONLY = b"<html><head><script>var x = 1;</script></head><body></body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8"}
ARTICLE_HTML = """<!doctype html><html><head><title>Drones over Ankara | The Daily</title>
<meta property="og:title" content="Drones over Ankara">
<meta property="article:published_time" content="2023-05-04T10:00:00Z">
<link rel="canonical" href="https://example.org/drones-over-ankara"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> Subscribe to our newsletter today!</nav>
<article><h1>Drones over Ankara</h1>
<p>Baykar, the Turkish drone manufacturer, opened a second factory near Ankara in May, the company said.</p>
<p>The new plant will build the Akinci, a heavier drone that can fly for more than a day without landing.</p>
<p>Exports now make up most of the company's revenue, according to its chief executive.</p></article>
<footer>Copyright 2024 The Daily. All rights reserved. Cookie settings. Privacy policy.</footer>
</body></html>"""

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
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
