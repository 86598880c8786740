"""The Chroma client, built in one place, and the ways its failures reach the user.

Embedded (`PersistentClient` in the data folder: one writer at a time, hence `write_lock`) or a `chroma run`
server. chromadb 1.5.9 builds its HTTP session with `httpx.Client(timeout=None)` and ignores any timeout
setting (its Settings drops unknown fields such as `chroma_server_http_timeout`), so a server that accepts
connections but never answers would block forever, already inside `HttpClient(...)`, which makes requests.
Chroma only accepts its own API class names, so the timeout is set on the session right after
construction, and construction itself is preceded by a heartbeat that has a timeout of its own.

chromadb 1.5.9 cannot open an embedded index it may not write: its Rust core writes to `chroma.sqlite3` while
starting, whatever the migration mode or a `mode=ro`/`immutable=1` URI. An index in a read-only folder is
therefore read from a private copy, removed at exit; the commands that write refuse such a folder up front.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import stat
import tempfile
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
        folder = data_dir / "chroma"
        make_folder(folder)
        if not writable(folder):
            folder = private_copy(folder)
        return chromadb.PersistentClient(path=str(folder), settings=chroma_settings)


def writable(folder: Path) -> bool:
    """Whether Chroma can write the index in `folder` (the folder and its SQLite file)."""
    database = folder / "chroma.sqlite3"
    return os.access(folder, os.W_OK) and (not database.exists() or os.access(database, os.W_OK))


def private_copy(folder: Path) -> Path:
    """A copy of a read-only index that Chroma may open (it writes while starting), removed at exit."""
    copy = Path(tempfile.mkdtemp(prefix="citebot-read-only-")) / "chroma"
    atexit.register(shutil.rmtree, copy.parent, True)
    shutil.copytree(folder, copy, copy_function=shutil.copyfile)
    for path in (copy, *copy.rglob("*")):  # copytree keeps the folders' read-only modes
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return copy


def make_folder(folder: Path) -> None:
    """Create the folder if needed; one clear line when that is not allowed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise not_writable(folder, error.strerror or type(error).__name__) from None


def not_writable(folder: Path, reason: str) -> StoreUnavailable:
    msg = (
        f"The folder {folder} cannot be written ({reason}): give citebot write access to it or set "
        "CITEBOT_DATA_DIR to another folder (asking needs only read access to an existing index)."
    )
    return StoreUnavailable(msg)


def unavailable(error: BaseException, where: str) -> StoreUnavailable:
    """One message for every way Chroma can fail to answer or to write."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return StoreUnavailable(f"The index at {where} is not available: {detail}")


@contextmanager
def write_lock(data_dir: Path) -> Iterator[None]:
    """One writer per index folder; a second one is told to wait rather than corrupting it. A folder that
    cannot be written is refused here, before any work (an index in it would be opened as a private copy)."""
    make_folder(data_dir)
    if (data_dir / "chroma").exists() and not writable(data_dir / "chroma"):
        raise not_writable(data_dir / "chroma", "read-only")
    try:
        handle = open(data_dir / "write.lock", "w")  # closed by the `with` below
    except OSError as error:
        raise not_writable(data_dir, error.strerror or type(error).__name__) from None
    with handle:
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


# an embedded folder -> the client `reopen` last made for it
LATEST: dict[str, ClientAPI] = {}


def reopen(client: ClientAPI) -> ClientAPI | None:
    """A new client on an embedded client's folder, or None for a server's client (which sees every write).

    chromadb keeps one System per folder in a process, and its vector index does not see what other
    processes add later. Dropping that System stops every client of the folder in this process, so only a
    store that owns its client (the bot's) may call this.
    """
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    folder = folder_of(client)
    if not folder or "fastapi" in str(client.get_settings().chroma_api_impl).lower():
        return None
    with chroma_errors(folder):
        system = SharedSystemClient._identifier_to_system.pop(folder, None)
        if system is not None:
            system.stop()
        LATEST[folder] = chromadb.PersistentClient(path=folder, settings=ChromaSettings(anonymized_telemetry=False))
        return LATEST[folder]


def folder_of(client: ClientAPI) -> str | None:
    """An embedded client's folder (None for a server's client)."""
    settings = client.get_settings()
    return settings.persist_directory if settings.is_persistent else None


class Writes:
    """What this process wrote to each index of an embedded folder: (index name, source) -> the version
    (None: removed). A change to the catalog that this process did not write came from another process,
    whose vectors the folder's System cannot see until it is reopened. It is kept per folder, like the
    System, which every store (and every bot) of the folder in this process shares."""

    by_folder: dict[str | None, dict[tuple[str, str], str | None]] = {}

    @classmethod
    def note(cls, client: ClientAPI, name: str, source: str, version: str | None) -> None:
        cls.by_folder.setdefault(folder_of(client), {})[(name, source)] = version

    @classmethod
    def ours(cls, client: ClientAPI, name: str, source: str, version: str | None) -> bool:
        return cls.by_folder.get(folder_of(client), {}).get((name, source), "?") == version


def latest(client: ClientAPI) -> ClientAPI:
    """The client that replaced this one when a store of the same folder reopened it (else this one): every
    store of a folder (one per knowledge base) shares its System, which reopening stops."""
    folder = folder_of(client)
    return LATEST.get(folder, client) if folder else client


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
