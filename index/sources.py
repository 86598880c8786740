"""Turning command-line arguments (files, folders, http(s) URLs) into Documents, read with size limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.documents import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES, Document, from_bytes
from index.errors import DocumentError
from index.fetch import load_url


@dataclass(frozen=True)
class Collected:
    """What `collect` found: the documents, and the files under directories it had to skip (path, why)."""

    documents: list[Document]
    skipped: list[tuple[str, str]]


def is_url(argument: str) -> bool:
    return argument.lower().startswith(("http://", "https://"))


def collect(arguments: list[str], timeout: float = 20.0, *, allow_private: bool = False) -> Collected:
    """Documents for files, directories and URLs; a named file or URL that fails is an error, while a
    bad file found inside a directory is skipped and reported. URLs on private addresses need `allow_private`."""
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
