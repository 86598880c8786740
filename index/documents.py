"""Loading files, web pages and PDFs into Document records: the exact text, a title, and a content hash.

Supported: plain text and markdown (kept byte for byte), HTML (main text only, through trafilatura), PDF
(the text layer, through pypdf, with where each page starts) and http(s) URLs (fetched by `index.fetch`).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from index.errors import DocumentError

MAX_DOCUMENT_BYTES = 20_000_000
BUNDLED_NAME = "putin-turkey-drones.txt"
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ".rst"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
PAGE_BREAK = "\n\n"
# without handlers of their own, trafilatura's and pypdf's parse warnings reach the terminal through
# logging's last-resort handler; the DocumentError citebot raises says what matters
logging.getLogger("trafilatura").addHandler(logging.NullHandler())
logging.getLogger("pypdf").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Document:
    """One document as stored: its text is never altered after loading.

    `pages` holds the offset where each page starts (PDFs only), so a span's page is known.
    """

    source: str
    title: str
    text: str
    url: str | None = None
    added_at: float = field(default_factory=time.time)
    date: str | None = None
    pages: tuple[int, ...] = ()

    @cached_property
    def sha256(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True)
class Collected:
    """What `collect` found: the documents, and the files under directories it had to skip (path, why)."""

    documents: list[Document]
    skipped: list[tuple[str, str]]


def content_hash(text: str) -> str:
    """The hash that names one version of a document's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bundled_document() -> Document:
    """The article that ships with citebot, the default corpus."""
    text = resources.files("index.corpus").joinpath(BUNDLED_NAME).read_text(encoding="utf-8")
    return Document(source=BUNDLED_NAME, title=guess_title(text, BUNDLED_NAME), text=text)


def is_url(argument: str) -> bool:
    return argument.lower().startswith(("http://", "https://"))


def collect(arguments: list[str], timeout: float = 20.0, *, allow_private: bool = False) -> Collected:
    """Documents for files, directories and URLs; a named file or URL that fails is an error, while a
    bad file found inside a directory is skipped and reported. URLs on private addresses need `allow_private`."""
    from index.fetch import load_url

    documents: list[Document] = []
    skipped: list[tuple[str, str]] = []
    for argument in arguments:
        if is_url(argument):
            documents.append(load_url(argument, timeout, allow_private=allow_private))
        elif Path(argument).is_dir():
            for path in expand_paths([Path(argument)]):
                try:
                    documents.append(load_file(path))
                except DocumentError as error:
                    skipped.append((str(path), str(error)))
        else:
            documents.append(load_file(Path(argument)))
    return Collected(documents, skipped)


def load_file(path: Path) -> Document:
    """Read one supported file, refusing what is not usable text."""
    return from_bytes(read_bytes(path), str(path.resolve()), str(path))


def from_bytes(data: bytes, source: str, name: str) -> Document:
    """A document from the bytes of a file called `name` (a path or an upload's file name), by its suffix."""
    path = Path(name)
    if path.suffix.lower() in HTML_SUFFIXES:
        return from_html(data, source, path.stem)
    if path.suffix.lower() in PDF_SUFFIXES:
        return from_pdf(data, source, path.stem)
    text = decode(data, name)
    return Document(source=source, title=guess_title(text, path.stem), text=text)


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        msg = f"No such file: {path}"
        raise DocumentError(msg)
    if not path.is_file():
        msg = f"Not a regular file: {path}"
        raise DocumentError(msg)
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        msg = f"{path} is {size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,}"
        raise DocumentError(msg)
    try:
        return path.read_bytes()
    except OSError as error:
        msg = f"Cannot read {path}: {error.strerror or error}"
        raise DocumentError(msg) from None


def decode(data: bytes, name: str, charset: str = "utf-8") -> str:
    """Text with something in it, or a DocumentError saying why not."""
    if b"\x00" in data:
        msg = f"{name} looks like a binary file, not text"
        raise DocumentError(msg)
    try:
        text = data.decode(charset).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError):
        msg = f"{name} is not {charset} text; convert it to UTF-8 first"
        raise DocumentError(msg) from None
    if not text.strip():
        msg = f"{name} is empty"
        raise DocumentError(msg)
    return text


def from_html(data: bytes | str, source: str, fallback_title: str, url: str | None = None) -> Document:
    """The page's main text (navigation, footers and ads removed), one paragraph per block, with the lines
    of a hard-wrapped source joined and Sphinx's "¶" permalinks left out."""
    import trafilatura
    from lxml.html import tostring

    from index.reflow import body_paragraphs, unwrap_html

    tree = trafilatura.load_html(data) if data.strip() else None
    if tree is None:
        msg = f"{source} is empty"
        raise DocumentError(msg)
    page = tostring(unwrap_html(tree), encoding="unicode")
    # the XML body, not trafilatura's text: its text puts a line break wherever the page's source had one
    extracted = trafilatura.bare_extraction(page, include_comments=False)
    extracted = extracted or trafilatura.bare_extraction(page, include_comments=False, favor_recall=True)
    body = getattr(extracted, "body", None)
    text = body_paragraphs(body) if body is not None else ""
    if not text.strip():
        msg = f"{source} has no main text that citebot could find (an empty page, or only navigation)"
        raise DocumentError(msg)
    meta = trafilatura.extract_metadata(page)
    title = (meta.title if meta and meta.title else None) or guess_title(text, fallback_title)
    page_url = url or (meta.url if meta and meta.url else None)
    return Document(source, title.strip(), text, page_url, date=meta.date if meta else None)


def from_pdf(data: bytes, source: str, fallback_title: str) -> Document:
    """The PDF's text layer, pages separated by a blank line; a PDF without text is refused."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            msg = f"{source} is an encrypted PDF; save a decrypted copy first"
            raise DocumentError(msg)
        page_texts = [clean_pdf_text(page.extract_text() or "") for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        msg = f"{source} is not a readable PDF"
        raise DocumentError(msg) from None
    if not any(page_texts):
        msg = f"{source} has no text layer (a scanned PDF?); run OCR on it first"
        raise DocumentError(msg)
    text, pages = join_pages(page_texts)
    title, date = pdf_metadata(reader)
    return Document(source, title or guess_title(text, fallback_title), text, date=date, pages=pages)


def clean_pdf_text(text: str) -> str:
    """Page text without NULs and trailing spaces, its hard-wrapped lines joined into paragraphs."""
    from index.reflow import reflow_pdf_page

    lines = (line.rstrip() for line in text.replace("\x00", "").splitlines())
    return reflow_pdf_page(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip())


def join_pages(page_texts: list[str]) -> tuple[str, tuple[int, ...]]:
    """One text with a blank line between pages, and where each page starts in it."""
    starts, position = [], 0
    for text in page_texts:
        starts.append(position)
        position += len(text) + len(PAGE_BREAK)
    return PAGE_BREAK.join(page_texts), tuple(starts)


def pdf_metadata(reader: Any) -> tuple[str | None, str | None]:
    """The title and creation date a PDF declares, when it declares them sensibly."""
    try:
        meta = reader.metadata
        title = str(meta.title).strip() if meta and meta.title else None
        created = meta.creation_date if meta else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None, None
    return (title or None), (created.date().isoformat() if created else None)


def page_of(pages: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page holding `offset`, or None for documents without pages."""
    import bisect

    return bisect.bisect_right(pages, offset) if pages else None


def location(pages: tuple[int, ...], start: int, paragraph: int) -> str:
    """Where a span is, as a citation shows it: "page 3" in a PDF, else "paragraph 2"."""
    page = page_of(pages, start)
    return f"page {page}" if page is not None else f"paragraph {paragraph}"


def guess_title(text: str, fallback: str) -> str:
    """The `title:` of Markdown front matter, else a short first line after it (heading marks removed),
    else the file name."""
    from index.reflow import front_matter

    title, body = front_matter(text)
    first_line = text[body:].strip().split("\n", 1)[0].strip().lstrip("#").strip()
    return title or (first_line if 0 < len(first_line) <= 200 else fallback)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and every supported file under a directory (hidden ones skipped), in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SUPPORTED_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found
