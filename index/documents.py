"""Loading files into Document records: the exact text, a title, and a content hash."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from index.errors import DocumentError

MAX_DOCUMENT_BYTES = 20_000_000
BUNDLED_NAME = "putin-turkey-drones.txt"
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ".rst"})


@dataclass(frozen=True)
class Document:
    """One document as stored: its text is never altered after loading."""

    source: str
    title: str
    text: str
    url: str | None = None
    added_at: float = field(default_factory=time.time)

    @cached_property
    def sha256(self) -> str:
        return content_hash(self.text)


def content_hash(text: str) -> str:
    """The hash that names one version of a document's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bundled_document() -> Document:
    """The article that ships with citebot, the default corpus."""
    text = resources.files("index.corpus").joinpath(BUNDLED_NAME).read_text(encoding="utf-8")
    return Document(source=BUNDLED_NAME, title=guess_title(text, BUNDLED_NAME), text=text)


def load_file(path: Path) -> Document:
    """Read one text file, refusing what is not usable text."""
    text = decode(read_bytes(path), str(path))
    return Document(source=str(path.resolve()), title=guess_title(text, path.stem), text=text)


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
    return path.read_bytes()


def decode(data: bytes, name: str) -> str:
    """UTF-8 text with something in it, or a DocumentError saying why not."""
    if b"\x00" in data:
        msg = f"{name} looks like a binary file, not text"
        raise DocumentError(msg)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        msg = f"{name} is not UTF-8 text (byte {error.start}); convert it to UTF-8 first"
        raise DocumentError(msg) from None
    if not text.strip():
        msg = f"{name} is empty"
        raise DocumentError(msg)
    return text


def guess_title(text: str, fallback: str) -> str:
    """A short first line (markdown heading marks removed) is the title; else the file name."""
    first_line = text.strip().split("\n", 1)[0].strip().lstrip("#").strip()
    return first_line if 0 < len(first_line) <= 200 else fallback


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and every supported file under a directory, in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES)
        else:
            found.append(path)
    return found
