"""What /ingest is given — an attached file or a URL — as a Document, read within the server's limits.

An attachment is streamed and dropped once it passes the cap, whatever size Discord declared for it; a URL
is fetched by `index.fetch` from public addresses only (never the bot's own network). Parsing runs in a
worker thread. A document is cited by the link the admin gave: a URL's own, or none for an upload, never a
link the file names itself (an HTML file's og:url or canonical link could point anywhere).
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import PurePath

import aiohttp
import discord

from bot.config import Settings
from index.documents import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES, Document, from_bytes
from index.errors import DocumentError, UnsafeAddress
from index.fetch import load_url
from index.sources import is_url
from index.storage.records import DocumentInfo

CHUNK = 64 * 1024
DOWNLOAD_TIMEOUT = 60.0
NOT_PUBLIC = "I only fetch public web pages: {url} is on a private, local or reserved address."


def upload_limit(settings: Settings) -> int:
    """The most bytes one file or page may have."""
    return min(MAX_DOCUMENT_BYTES, settings.discord_max_bytes)


def check_attachment(file: discord.Attachment, limit: int) -> None:
    """Refuse an unsupported file type, or a file Discord already says is too big, before downloading it."""
    if PurePath(file.filename).suffix.lower() not in SUPPORTED_SUFFIXES:
        msg = "Please attach a .txt, .md, .html or .pdf file."
        raise DocumentError(msg)
    if file.size > limit:
        msg = f"That file is {file.size:,} bytes; the limit is {limit:,}."
        raise DocumentError(msg)


async def download(url: str, name: str, limit: int) -> bytes:
    """The attachment's body, read in chunks and refused as soon as it passes `limit` bytes."""
    kept, size = [], 0
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT)) as session,
            session.get(url) as response,
        ):
            response.raise_for_status()
            async for chunk in response.content.iter_chunked(CHUNK):
                size += len(chunk)
                if size > limit:
                    msg = f"{name} is larger than the limit of {limit:,} bytes."
                    raise DocumentError(msg)
                kept.append(chunk)
    except (aiohttp.ClientError, TimeoutError):
        msg = f"Could not download {name} from Discord; please try again."
        raise DocumentError(msg) from None
    return b"".join(kept)


async def from_attachment(file: discord.Attachment, limit: int) -> Document:
    """An uploaded file as `discord/<file name>` (so /forget finds it by file name), with no link."""
    check_attachment(file, limit)
    data = await download(file.url, file.filename, limit)
    document = await asyncio.to_thread(from_bytes, data, source_of(file), file.filename)
    return dataclasses.replace(document, url=None)


async def from_url(url: str, limit: int) -> Document:
    """A web page, text or PDF, fetched from a public address only."""
    if not is_url(url):
        msg = "Please give an http:// or https:// URL."
        raise DocumentError(msg)
    try:
        return await asyncio.to_thread(load_url, url, 20.0, limit, allow_private=False)
    except UnsafeAddress:
        raise DocumentError(NOT_PUBLIC.format(url=url)) from None


def source_of(given: discord.Attachment | str) -> str:
    """The source a URL or an uploaded file is stored under (the same file name in two servers is two
    documents, each in its server's knowledge base)."""
    return given if isinstance(given, str) else f"discord/{given.filename}"


async def read(given: discord.Attachment | str, limit: int) -> Document:
    """The document behind a URL or an attachment."""
    return await (from_url(given, limit) if isinstance(given, str) else from_attachment(given, limit))


def check_room(documents: list[DocumentInfo], settings: Settings, source: str, chars: int = 0) -> None:
    """Refuse when the server's knowledge base has no room for one more document of `chars` characters
    (a document of the same source is replaced, so it does not count). Sizes are the documents' text."""
    others = [d for d in documents if d.source != source]
    if len(others) >= settings.discord_max_documents:
        msg = f"This server has {len(others)} documents, its limit; remove one with /forget first."
        raise DocumentError(msg)
    size = sum(d.chars for d in others) + chars
    if size > settings.discord_max_bytes:
        limit = settings.discord_max_bytes
        msg = f"This server's documents would hold {size:,} characters of text; the limit is {limit:,}."
        raise DocumentError(msg)
