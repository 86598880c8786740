"""URLs from a loopback web server: pages, text and PDF, and every way a fetch can go wrong."""

from __future__ import annotations

import time

import pytest

from index.errors import DocumentError
from index.fetch import load_url

from .conftest import free_port


def test_html_page_becomes_its_main_text(web: str) -> None:
    document = load_url(f"{web}/article.html")
    assert document.source == f"{web}/article.html"
    assert document.url == f"{web}/article.html"
    assert document.title == "Drones over Ankara"
    assert document.date == "2023-05-04"
    assert "second factory" in document.text and "Cookie" not in document.text


def test_redirect_is_followed_and_the_final_url_kept(web: str) -> None:
    document = load_url(f"{web}/moved")
    assert document.source == f"{web}/moved"
    assert document.url == f"{web}/article.html"


def test_text_and_pdf_urls(web: str) -> None:
    assert load_url(f"{web}/notes.txt").text == "Notes\n\nThe TB2 is small.\n"
    pdf = load_url(f"{web}/report.pdf")
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
        load_url(f"{web}{path}")
    assert time.monotonic() - started < 10


def test_a_server_that_never_answers_times_out(web: str) -> None:
    started = time.monotonic()
    with pytest.raises(DocumentError, match="did not answer within 1 second"):
        load_url(f"{web}/silent", timeout=1)
    assert time.monotonic() - started < 4


def test_nothing_listening_and_bad_hosts() -> None:
    with pytest.raises(DocumentError, match="Could not fetch .*refused"):
        load_url(f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(DocumentError, match="Could not fetch"):
        load_url("http://[::1/")
