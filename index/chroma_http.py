"""A Chroma HTTP client whose every request has a timeout.

chromadb 1.5.9 builds its HTTP session with `httpx.Client(timeout=None)` and ignores any timeout setting
(its Settings drops unknown fields such as `chroma_server_http_timeout`), so a server that accepts
connections but never answers blocks the caller forever, already inside `HttpClient(...)`, which makes
requests. Chroma only accepts its own API class names, so the timeout is set on the session right after
construction, and construction itself is preceded by a heartbeat that has a timeout of its own.
Imported only by `index.store.open_client`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.config import Settings


def bounded_http_client(chroma_url: str, timeout: float, settings: Settings) -> ClientAPI:
    """`chromadb.HttpClient` for the URL, every request bounded by `timeout` seconds."""
    import chromadb

    url = urlsplit(chroma_url)
    host, port, ssl = url.hostname or "127.0.0.1", url.port or 8000, url.scheme == "https"
    base = f"{'https' if ssl else 'http'}://{host}:{port}"
    # raises httpx.HTTPError (a timeout, a refused connection) or on an HTTP error status
    httpx.get(f"{base}/api/v2/heartbeat", timeout=timeout).raise_for_status()
    client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client):
        msg = "this chromadb version's HTTP client cannot be given a timeout"
        raise RuntimeError(msg)
    session.timeout = httpx.Timeout(timeout)
    return client
