"""The Document record and the format readers: the exact text, a title, and a content hash from bytes.

Supported: plain text and markdown (kept byte for byte), HTML (main text only, through trafilatura) and PDF
(the text layer, through pypdf, with where each page starts). Files, folders and URLs given on the command
line become documents in `index.sources`; URLs are fetched by `index.fetch`.
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
MAX_TITLE_CHARS = 200
# what a title must not carry: controls, bidi embeddings/overrides/isolates/marks (a title that reads backwards)
# and zero-width characters (two titles that look alike); a text made only of these and spaces is empty
# (line breaks and tabs are white space, which a one-line label folds into single spaces instead)
INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def one_line(label: str) -> str:
    """A label (a title, a source) on one line, without invisible or direction-changing characters."""
    return " ".join(INVISIBLE.sub("", label).split())


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

    def __post_init__(self) -> None:
        # the one place every reader's title passes: a file, a page or a PDF cannot name itself anything
        object.__setattr__(self, "title", clean_title(self.title) or clean_title(Path(self.source).name))

    @cached_property
    def sha256(self) -> str:
        return content_hash(self.text)


def clean_title(title: str) -> str:
    """A title on one line, without invisible or direction-changing characters, at most 200 characters."""
    text = one_line(title)
    return text if len(text) <= MAX_TITLE_CHARS else text[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def is_blank(text: str) -> bool:
    """Whether a text has nothing visible in it (only spaces and zero-width or control characters)."""
    return not INVISIBLE.sub("", text).strip()


def content_hash(text: str) -> str:
    """The hash that names one version of a document's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bundled_document() -> Document:
    """The article that ships with citebot, the default corpus."""
    text = resources.files("index.corpus").joinpath(BUNDLED_NAME).read_text(encoding="utf-8")
    return Document(source=BUNDLED_NAME, title=guess_title(text, BUNDLED_NAME), text=text)


def from_bytes(data: bytes, source: str, name: str) -> Document:
    """A document from the bytes of a file called `name` (a path or an upload's file name), by its suffix."""
    path = Path(name)
    if path.suffix.lower() in HTML_SUFFIXES:
        return from_html(data, source, path.stem)
    if path.suffix.lower() in PDF_SUFFIXES:
        return from_pdf(data, source, path.stem)
    text = decode(data, name)
    return Document(source=source, title=guess_title(text, path.stem), text=text)


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
    if is_blank(text):
        msg = f"{name} is empty"
        raise DocumentError(msg)
    return text


def from_html(data: bytes | str, source: str, fallback_title: str, url: str | None = None) -> Document:
    """The page's main text (navigation, footers and ads removed), one paragraph per block, with the lines
    of a hard-wrapped source joined and Sphinx's "¶" permalinks left out."""
    import trafilatura
    from lxml.html import tostring

    from index.reflow import body_paragraphs, paragraph_loose_text, unwrap_html

    tree = trafilatura.load_html(data) if data.strip() else None
    if tree is None:
        msg = f"{source} is empty"
        raise DocumentError(msg)
    page = tostring(paragraph_loose_text(unwrap_html(tree)), encoding="unicode")
    # the XML body, not trafilatura's text: its text puts a line break wherever the page's source had one
    extracted = trafilatura.bare_extraction(page, include_comments=False)
    extracted = extracted or trafilatura.bare_extraction(page, include_comments=False, favor_recall=True)
    body = getattr(extracted, "body", None)
    text = body_paragraphs(body) if body is not None else ""
    if is_blank(text):
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
    if is_blank("".join(page_texts)):
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


def guess_title(text: str, fallback: str) -> str:
    """The `title:` of Markdown front matter, else a short first line after it (heading marks removed),
    else the file name."""
    from index.reflow import front_matter

    title, body = front_matter(text)
    first_line = text[body:].strip().split("\n", 1)[0].strip().lstrip("#").strip()
    return title or (first_line if 0 < len(first_line) <= 200 else fallback)
