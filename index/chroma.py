"""The Chroma client, built in one place, and the ways its failures reach the user.

Embedded (`PersistentClient` in the data folder: one writer at a time, hence `write_lock`) or a `chroma run`
server. chromadb 1.5.9 builds its HTTP session with `httpx.Client(timeout=None)` and ignores any timeout
setting (its Settings drops unknown fields such as `chroma_server_http_timeout`), so a server that accepts
connections but never answers would block forever, already inside `HttpClient(...)`, which makes requests.
Chroma only accepts its own API class names, so the timeout is set on the session right after
construction, and construction itself is preceded by a heartbeat that has a timeout of its own.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from index.errors import IndexLocked, StoreUnavailable

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.config import Settings


def open_client(data_dir: Path, chroma_url: str | None, timeout: float) -> ClientAPI:
    """The one place a Chroma client is built: embedded in data_dir, or a `chroma run` server whose every
    call is bounded by `timeout` seconds."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    with chroma_errors(chroma_url or str(data_dir)):
        if chroma_url:
            return bounded_http_client(chroma_url, timeout, chroma_settings)
        data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)


def unavailable(error: BaseException, where: str) -> StoreUnavailable:
    """One message for every way Chroma can fail to answer or to write."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return StoreUnavailable(f"The index at {where} is not available: {detail}")


@contextmanager
def write_lock(data_dir: Path) -> Iterator[None]:
    """One writer per index folder; a second one is told to wait rather than corrupting it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "write.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            msg = f"Another citebot process is writing to {data_dir}; try again when it has finished."
            raise IndexLocked(msg) from None
        yield


def bounded_http_client(chroma_url: str, timeout: float, settings: Settings) -> ClientAPI:
    """`chromadb.HttpClient` for the URL, every request bounded by `timeout` seconds."""
    import chromadb
    import httpx

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


def reopen(client: ClientAPI) -> ClientAPI | None:
    """A new client on an embedded client's folder, or None for a server's client (which sees every write).

    chromadb keeps one System per folder in a process, and its vector index does not see what other
    processes add later. Dropping that System stops every client of the folder in this process, so only a
    store that owns its client (the bot's) may call this.
    """
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    settings = client.get_settings()
    folder = settings.persist_directory if settings.is_persistent else None
    if not folder or "fastapi" in str(settings.chroma_api_impl).lower():
        return None
    with chroma_errors(folder):
        system = SharedSystemClient._identifier_to_system.pop(folder, None)
        if system is not None:
            system.stop()
        return chromadb.PersistentClient(path=folder, settings=ChromaSettings(anonymized_telemetry=False))


@contextmanager
def chroma_errors(where: str) -> Iterator[None]:
    """Chroma, its SQLite and its HTTP client fail in many ways; the user sees one clear message."""
    import sqlite3

    import httpx
    from chromadb.errors import ChromaError

    try:
        yield
    except (ChromaError, sqlite3.Error, httpx.HTTPError, OSError, ValueError, RuntimeError) as error:
        raise unavailable(error, where) from None
