"""URLs from a loopback web server: pages, text and PDF, every way a fetch can go wrong, one deadline for a
slow drip, and the refusal of loopback, private and metadata addresses at every redirect hop before connecting."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from index import fetch
from index.errors import DocumentError, UnsafeAddress
from index.fetch import load_url
from tests.helpers import free_port, serving

HINT = "; pass --allow-private to fetch it"
HOPS = {
    "/to-loopback": ("http://127.0.0.1/secret", "a loopback address" + HINT),
    "/to-private": ("http://10.0.0.1/", "a private address" + HINT),
    "/to-metadata": ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
    "/to-ipv6-loopback": ("http://[::1]/", "a loopback address" + HINT),
}


def test_html_page_becomes_its_main_text(web: str) -> None:
    document = load_url(f"{web}/article.html", allow_private=True)
    assert document.source == f"{web}/article.html"
    assert document.url == f"{web}/article.html"
    assert document.title == "Drones over Ankara"
    assert document.date == "2023-05-04"
    assert "second factory" in document.text and "Cookie" not in document.text


def test_redirect_is_followed_and_the_final_url_kept(web: str) -> None:
    document = load_url(f"{web}/moved", allow_private=True)
    assert document.source == f"{web}/moved"
    assert document.url == f"{web}/article.html"


def test_text_and_pdf_urls(web: str) -> None:
    assert load_url(f"{web}/notes.txt", allow_private=True).text == "Notes\n\nThe TB2 is small.\n"
    pdf = load_url(f"{web}/report.pdf", allow_private=True)
    assert "Page two." in pdf.text and len(pdf.pages) == 2


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "answered HTTP 404"),
        ("/loop-a", "redirect loop"),
        ("/to-file", "not an http"),
        ("/huge", "52,428,800 bytes; the limit is 20,000,000"),
        ("/huge-chunked", "larger than the limit of 20,000,000 bytes"),
        ("/image.png", "is image/png, not a web page, text or PDF"),
        ("/data.json", "is application/json, not a web page"),
        ("/empty.html", "no main text"),
    ],
)
def test_bad_urls_say_what_is_wrong(web: str, path: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(DocumentError, match=message):
        load_url(f"{web}{path}", allow_private=True)
    assert time.monotonic() - started < 10


def test_a_server_that_never_answers_times_out(web: str) -> None:
    started = time.monotonic()
    with pytest.raises(DocumentError, match="did not answer within 1 second"):
        load_url(f"{web}/silent", timeout=1, allow_private=True)
    assert time.monotonic() - started < 4


def test_nothing_listening_and_bad_hosts() -> None:
    with pytest.raises(DocumentError, match="Could not fetch .*refused"):
        load_url(f"http://127.0.0.1:{free_port()}/", allow_private=True)
    with pytest.raises(DocumentError, match="Could not fetch"):
        load_url("http://[::1/")


class Guarded(BaseHTTPRequestHandler):
    """Redirects to internal addresses, drips a body or its headers, echoes the Host header; counts requests."""

    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.requests.append(self.path)
        if self.path in HOPS:
            self.send_response(302)
            self.send_header("Location", HOPS[self.path][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/host":
            body = self.headers["Host"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/drip-body":  # 10 bytes a second for a minute
            self.drip(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 600\r\n\r\n", b"x" * 600)
        elif self.path == "/drip-headers":
            self.drip(b"", b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 600)

    def drip(self, head: bytes, rest: bytes) -> None:
        try:
            self.wfile.write(head)
            for start in range(0, len(rest), 10):
                self.wfile.write(rest[start : start + 10])
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def guarded() -> Iterator[str]:
    with serving(Guarded) as url:
        yield url


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every address a socket connects to; anything but 127.0.0.1 is refused here, never attempted."""
    made: list[str] = []
    real = socket.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        made.append(address[0])
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(f"the test refuses to leave loopback ({address[0]})")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return made


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_one_deadline_for_the_whole_response_even_a_slow_drip(guarded: str, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(DocumentError, match="did not answer within 2 seconds"):
        load_url(f"{guarded}{path}", timeout=2, allow_private=True)
    assert time.monotonic() - started < 5


def test_loopback_is_refused_by_default_before_connecting(web: str, connections: list[str]) -> None:
    message = f"refusing {web}/article.html: a loopback address; pass --allow-private to fetch it"
    with pytest.raises(UnsafeAddress, match=message):
        load_url(f"{web}/article.html")
    with pytest.raises(UnsafeAddress, match=r"refusing http://localhost:1/: a loopback address \(127.0.0.1\)"):
        load_url("http://localhost:1/")
    assert connections == []


@pytest.mark.parametrize("path", list(HOPS))
def test_every_redirect_hop_is_checked_before_connecting(
    guarded: str, path: str, connections: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first hop (the loopback test server) is let through; the internal address it redirects to is
    refused before any connection to it: the only connection made is the first one."""
    real, hops = fetch.checked_address, []

    def first_hop_allowed(url: Any, allow_private: bool) -> str:
        hops.append(str(url))
        return real(url, allow_private=len(hops) == 1)

    monkeypatch.setattr(fetch, "checked_address", first_hop_allowed)
    Guarded.requests.clear()
    target, kind = HOPS[path]
    with pytest.raises(UnsafeAddress, match=f"^refusing {re.escape(target)}: {re.escape(kind)}$"):
        load_url(f"{guarded}{path}")
    assert hops == [f"{guarded}{path}", target]
    assert connections == ["127.0.0.1"] and Guarded.requests == [path]


def test_metadata_is_refused_even_with_allow_private(guarded: str, connections: list[str]) -> None:
    with pytest.raises(UnsafeAddress, match="169.254.169.254.*a cloud metadata address$"):
        load_url(f"{guarded}/to-metadata", allow_private=True)
    assert connections == ["127.0.0.1"]


def test_the_checked_address_is_the_one_connected_to(
    guarded: str, connections: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves to loopback when checked and to 10.0.0.1 afterwards; the fetch still
    goes to the checked address (resolved once), with the name in the Host header."""
    real, answers = socket.getaddrinfo, ["127.0.0.1", "10.0.0.1", "10.0.0.1"]
    lookups: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if host != "docs.test":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[len(lookups) - 1], port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    port = guarded.rsplit(":", 1)[1]
    document = load_url(f"http://docs.test:{port}/host", allow_private=True)
    assert document.text == f"docs.test:{port}"
    assert lookups == ["docs.test"] and connections == ["127.0.0.1"]
