"""Fetching http(s) URLs into Documents: one deadline, a size cap, a content-type check, few redirects, and
only from public addresses (each redirect hop checked before connecting; see `index.netguard`).

Every failure is a DocumentError that says what went wrong with that URL (404, redirect loop, too big,
not a web page, no answer in time, a private address), so `citebot index add URL` prints one clear line.
"""

from __future__ import annotations

import email.message
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from index.documents import MAX_DOCUMENT_BYTES, Document, decode, from_html, from_pdf, guess_title
from index.errors import DocumentError
from index.netguard import PinnedTransport, checked_address

MAX_REDIRECTS = 5
HTTP = ("http", "https")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf"})
# identity: the size cap then counts what arrives, and no small compressed chunk can inflate in memory
HEADERS = {"User-Agent": "citebot/0.1 (+document indexer)", "Accept-Encoding": "identity"}


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    charset: str | None
    data: bytes


def load_url(
    url: str, timeout: float = 20.0, max_bytes: int = MAX_DOCUMENT_BYTES, *, allow_private: bool = False
) -> Document:
    """Fetch a web page, text file or PDF and turn it into a Document whose source is the URL; loopback and
    private addresses only with `allow_private`."""
    fetched = fetch(url, timeout, max_bytes, allow_private)
    if fetched.content_type in HTML_TYPES:
        data: bytes | str = fetched.data
        if fetched.charset:
            data = decode(fetched.data, url, fetched.charset)
        return from_html(data, url, url, url=fetched.url)
    if fetched.content_type in PDF_TYPES:
        document = from_pdf(fetched.data, url, url)
        return Document(url, document.title, document.text, fetched.url, date=document.date, pages=document.pages)
    text = decode(fetched.data, url, fetched.charset or "utf-8")
    return Document(url, guess_title(text, url), text, fetched.url)


def fetch(url: str, timeout: float, max_bytes: int, allow_private: bool = False) -> Fetched:
    """The response body of a successful GET, all of it within `timeout`, or a DocumentError naming the problem."""
    try:
        return follow(url, time.monotonic() + timeout, max_bytes, allow_private)
    except httpx.TimeoutException:
        msg = f"{url} did not answer within {timeout:g} second{'' if timeout == 1 else 's'}"
        raise DocumentError(msg) from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        msg = f"Could not fetch {url}: {error}"
        raise DocumentError(msg) from None


def follow(url: str, deadline: float, max_bytes: int, allow_private: bool) -> Fetched:
    """GET `url`, following redirects by hand so that each hop's address is checked before connecting."""
    current = httpx.URL(url)
    if current.scheme not in HTTP:
        raise DocumentError(f"{url} is not an http(s) URL")
    for _ in range(MAX_REDIRECTS + 1):
        transport = PinnedTransport(checked_address(current, allow_private), deadline)
        with (
            httpx.Client(transport=transport, trust_env=False, timeout=None) as client,
            client.stream("GET", current, headers=HEADERS) as response,
        ):
            if response.is_redirect:
                current = next_hop(url, current, response.headers["Location"])
                continue
            if not response.is_success:
                msg = f"{url} answered HTTP {response.status_code} {response.reason_phrase}"
                raise DocumentError(msg)
            content_type, charset = media_type(response.headers)
            check_type(url, content_type)
            check_length(url, response.headers, max_bytes)
            data = read_capped(url, response.iter_bytes(), max_bytes)
            return Fetched(str(current), content_type, charset, data)
    msg = f"{url} redirects too often (a redirect loop?); gave up after {MAX_REDIRECTS}"
    raise DocumentError(msg)


def next_hop(url: str, current: httpx.URL, location: str) -> httpx.URL:
    """Where a redirect goes; only http(s)."""
    target = current.join(location)
    if target.scheme not in HTTP:
        raise DocumentError(f"{url} redirects to {location}, which is not an http(s) URL")
    return target


def media_type(headers: httpx.Headers) -> tuple[str, str | None]:
    """("text/html", "utf-8") from a Content-Type header; ("", None) when there is none."""
    if not headers.get("Content-Type"):
        return "", None
    parsed = email.message.Message()
    parsed["Content-Type"] = headers["Content-Type"]
    return parsed.get_content_type().lower(), parsed.get_content_charset()


def check_type(url: str, content_type: str) -> None:
    if content_type not in HTML_TYPES | TEXT_TYPES | PDF_TYPES:
        shown = content_type or "no content type"
        msg = f"{url} is {shown}, not a web page, text or PDF"
        raise DocumentError(msg)


def check_length(url: str, headers: httpx.Headers, max_bytes: int) -> None:
    declared = headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        msg = f"{url} is {int(declared):,} bytes; the limit is {max_bytes:,}"
        raise DocumentError(msg)


def read_capped(url: str, chunks: Iterator[bytes], max_bytes: int) -> bytes:
    """The body, refusing it once it passes max_bytes (the deadline is the transport's, on every read)."""
    kept, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            msg = f"{url} is larger than the limit of {max_bytes:,} bytes"
            raise DocumentError(msg)
        kept.append(chunk)
    return b"".join(kept)
