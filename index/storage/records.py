"""How documents and passages are kept as Chroma records: their metadata, written and read back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from index.documents import Document, page_of
from index.passages import Passage
from index.storage.chroma import chroma_errors

if TYPE_CHECKING:
    from chromadb.api import ClientAPI


@dataclass(frozen=True)
class DocumentInfo:
    """What `index list` shows: a document's record without its text."""

    source: str
    title: str
    sha256: str
    url: str | None
    added_at: float
    passages: int
    chars: int
    date: str | None = None
    pages: tuple[int, ...] = ()  # where each page starts, for PDFs


@dataclass(frozen=True)
class AddResult:
    source: str
    status: str  # "added", "replaced" or "unchanged"
    passages: int
    copy_of: str | None = None  # a document stored before with the same text (answers cite one of them)


def copy_in(catalog: dict[str, DocumentInfo], document: Document) -> str | None:
    """Another document of the catalog with the same text as this one, if any."""
    return next((s for s, info in catalog.items() if info.sha256 == document.sha256 and s != document.source), None)


def passage_metadata(passage: Passage) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "source": passage.source,
        "doc_hash": passage.doc_hash,
        "start": passage.start,
        "end": passage.end,
        "paragraph": passage.paragraph,
    }
    if passage.page is not None:  # Chroma metadata cannot hold None
        metadata["page"] = passage.page
    return metadata


def with_pages(passages: list[Passage], pages: tuple[int, ...]) -> list[Passage]:
    """The passages with the page each one starts on, for documents that have pages."""
    if not pages:
        return passages
    return [replace(passage, page=page_of(pages, passage.start)) for passage in passages]


def passage_from(id_: str, text: str, metadata: Any) -> Passage:
    return Passage(
        id_,
        str(metadata["source"]),
        str(metadata["doc_hash"]),
        int(metadata["start"]),
        int(metadata["end"]),
        text,
        int(metadata["paragraph"]),
        int(metadata["page"]) if metadata.get("page") is not None else None,
    )


def info_from(source: str, metadata: Any) -> DocumentInfo:
    return DocumentInfo(
        source=source,
        title=str(metadata.get("title", source)),
        sha256=str(metadata.get("sha256", "")),
        url=str(metadata.get("url") or "") or None,
        added_at=float(metadata.get("added_at", 0.0)),
        passages=int(metadata.get("passages", 0)),
        chars=int(metadata.get("chars", 0)),
        date=str(metadata.get("date") or "") or None,
        pages=tuple(int(part) for part in str(metadata.get("pages") or "").split(",") if part),
    )


PAGE = 5000  # records per Chroma get(): one get() of every passage fails past ~32k (SQLite's variable limit)


def record_pages(collection: Any, where: str, include: list[str]) -> Iterator[Any]:
    """Every record of a Chroma collection, a page (one get() result) at a time."""
    for offset in range(0, 1 << 62, PAGE):
        with chroma_errors(where):
            records = collection.get(include=include, limit=PAGE, offset=offset)
        yield records
        if len(records["ids"]) < PAGE:
            return


def stored_passages(collection: Any, where: str, keep: Callable[[Passage], bool]) -> list[Passage]:
    """The passage records of a Chroma collection that `keep` accepts, read a page at a time."""
    found: list[Passage] = []
    for records in record_pages(collection, where, ["documents", "metadatas"]):
        rows = zip(records["ids"], records["documents"] or [], records["metadatas"] or [], strict=True)
        found += [passage for passage in (passage_from(i, text or "", meta) for i, text, meta in rows) if keep(passage)]
    return found


def stored_documents(client: ClientAPI, name: str) -> list[Document]:
    """Every document's stored text, read without opening the passages (whose model may differ)."""
    with chroma_errors(name):
        collection = client.get_or_create_collection(f"{name}_documents", metadata={"kind": "documents"})
        records = collection.get(include=["documents", "metadatas"])
    return [
        Document(source, info.title, text or "", info.url, info.added_at, info.date, info.pages)
        for source, text, metadata in zip(
            records["ids"], records["documents"] or [], records["metadatas"] or [], strict=True
        )
        for info in [info_from(source, metadata)]
    ]
