"""Fetching http(s) URLs into Documents: a deadline, a size cap, a content-type check, few redirects.

Every failure is a DocumentError that says what went wrong with that URL (404, redirect loop, too big,
not a web page, no answer in time), so `citebot index add URL` prints one clear line.
"""

from __future__ import annotations

import email.message
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import IO, Any

from index.documents import MAX_DOCUMENT_BYTES, Document, decode, from_html, from_pdf, guess_title
from index.errors import DocumentError

MAX_REDIRECTS = 5
CHUNK = 65_536
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf"})
USER_AGENT = "citebot/0.1 (+document indexer)"


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    charset: str | None
    data: bytes


class LimitedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, and only to http(s)."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 1

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if not newurl.lower().startswith(("http://", "https://")):
            message = f"{req.full_url} redirects to {newurl}, which is not an http(s) URL"
            raise DocumentError(message)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def load_url(url: str, timeout: float = 20.0, max_bytes: int = MAX_DOCUMENT_BYTES) -> Document:
    """Fetch a web page, text file or PDF and turn it into a Document whose source is the URL."""
    fetched = fetch(url, timeout, max_bytes)
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


def fetch(url: str, timeout: float, max_bytes: int) -> Fetched:
    """The response body of a successful GET, or a DocumentError naming the problem."""
    opener = urllib.request.build_opener(LimitedRedirects())
    deadline = time.monotonic() + timeout
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with opener.open(request, timeout=timeout) as response:
            content_type, charset = media_type(response.headers)
            check_type(url, content_type)
            check_length(url, response.headers, max_bytes)
            data = read_capped(url, response, max_bytes, deadline)
            return Fetched(response.geturl(), content_type, charset, data)
    except urllib.error.HTTPError as error:
        raise http_error(url, error) from None
    except urllib.error.URLError as error:
        reason = error.reason
        msg = f"Could not fetch {url}: {reason.strerror if isinstance(reason, OSError) else reason}"
        raise DocumentError(msg) from None
    except (TimeoutError, socket.timeout):
        msg = f"{url} did not answer within {timeout:g} second{'' if timeout == 1 else 's'}"
        raise DocumentError(msg) from None
    except (OSError, ValueError) as error:
        msg = f"Could not fetch {url}: {error}"
        raise DocumentError(msg) from None


def http_error(url: str, error: urllib.error.HTTPError) -> DocumentError:
    error.close()
    if 300 <= error.code < 400 and "not allowed" in str(error.reason):  # urllib's words for file:// etc.
        return DocumentError(f"{url} redirects to {error.filename}, which is not an http(s) URL")
    if 300 <= error.code < 400:
        return DocumentError(f"{url} redirects too often (a redirect loop?); gave up after {MAX_REDIRECTS}")
    return DocumentError(f"{url} answered HTTP {error.code} {error.reason}")


def media_type(headers: email.message.Message) -> tuple[str, str | None]:
    """("text/html", "utf-8") from a Content-Type header; ("", None) when there is none."""
    content_type = headers.get_content_type().lower() if headers.get("Content-Type") else ""
    return content_type, headers.get_content_charset()


def check_type(url: str, content_type: str) -> None:
    if content_type not in HTML_TYPES | TEXT_TYPES | PDF_TYPES:
        shown = content_type or "no content type"
        msg = f"{url} is {shown}, not a web page, text or PDF"
        raise DocumentError(msg)


def check_length(url: str, headers: email.message.Message, max_bytes: int) -> None:
    declared = headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        msg = f"{url} is {int(declared):,} bytes; the limit is {max_bytes:,}"
        raise DocumentError(msg)


def read_capped(url: str, response: IO[bytes], max_bytes: int, deadline: float) -> bytes:
    """The body, refusing it once it passes max_bytes or the deadline (a slow drip counts too)."""
    chunks, size = [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            msg = f"{url} is larger than the limit of {max_bytes:,} bytes"
            raise DocumentError(msg)
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)
