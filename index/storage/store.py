"""The Chroma collections and the lexical index: add, remove, list, search.

Collections per index: `<name>_passages` (embedded passages), `<name>_documents` (each document's exact
text and metadata), `<name>_stats` (index.storage.doc_stats) and `<name>_vectors` (index.storage.vector_memory).
A document's record is written after its passages and deleted before them, so the record is the commit point:
passages whose `doc_hash` is not the current version of their document are invisible to search. A crash mid-way
therefore leaves whole documents only, and re-running finishes the job.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from index.documents import Document
from index.embeddings import NamedEmbeddings
from index.errors import IndexMismatch, IndexMissing
from index.passages import Passage, make_passages
from index.storage.chroma import Writes, chroma_errors, latest, reopen
from index.storage.chroma import open_client as open_client  # re-exported: callers import these from here
from index.storage.chroma import write_lock as write_lock
from index.storage.context import Context, read_context
from index.storage.doc_stats import StatsStore
from index.storage.layout import drop_passages
from index.storage.lexical import LexicalIndex, lexical_folder, load_or_build
from index.storage.records import (
    AddResult,
    DocumentInfo,
    copy_in,
    info_from,
    passage_from,
    passage_metadata,
    stored_passages,
    with_pages,
)
from index.storage.vector_memory import StoredVectors

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

EMBED_BATCH = 256
REFRESH_SECONDS = 2.0  # how stale a reader's view of another process's writes may be
Progress = Callable[[int], None]
# A denser HNSW graph than Chroma's default (16 links, ef 100): over 100k documentation passages the default found 71%
# of our questions' exact 30 nearest neighbours (0% for some); this one 98% (80% at worst), 1.6 ms more (BENCHMARKS §3)
HNSW = {"max_neighbors": 48, "ef_construction": 400, "ef_search": 400}


class Store:
    """Passages in Chroma (through langchain-chroma) plus BM25, kept in step with the documents."""

    def __init__(
        self, client: ClientAPI, embeddings: NamedEmbeddings, name: str = "citebot", fresh: bool = False
    ) -> None:
        """Open (or create) the index; `fresh` first drops every passage, as `index rebuild` does."""
        self.client = client
        if fresh:
            drop_passages(client, name)
        self.embeddings = embeddings
        self.name = name
        self.model = {"embedding_model": embeddings.name, "embedding_dimension": embeddings.dimension}
        self.passage_collection = self.collection(f"{name}_passages", self.model, {"hnsw": HNSW})
        self.document_collection = self.collection(f"{name}_documents", {"kind": "documents"})
        self.stats = StatsStore(self.collection(f"{name}_stats", {"kind": "stats"}), name, self.document)
        self.stored_vectors = StoredVectors(self.collection(f"{name}_vectors", self.model), name)
        self.vectors = self.vector_store()
        self.catalog = self.read_catalog()
        self.catalog_read_at = time.monotonic()
        self.lexical_lock = threading.Lock()  # questions answered in parallel build the BM25 index once
        self.lexical: LexicalIndex | None = None

    def vector_store(self) -> Any:
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=f"{self.name}_passages", embedding_function=self.embeddings)

    def collection(self, name: str, metadata: dict[str, Any], configuration: Any = None) -> Any:
        """Get or create a collection; refuse one that was built with another embedding model."""
        with chroma_errors(self.name):
            found = self.client.get_or_create_collection(
                name, metadata=metadata, configuration=configuration, embedding_function=None
            )
        stored = {key: (found.metadata or {}).get(key) for key in metadata}
        if stored != metadata:
            msg = (
                f"The index was built with {stored.get('embedding_model')} "
                f"({stored.get('embedding_dimension')} dimensions) but {metadata.get('embedding_model')} "
                f"is configured. Run `citebot index rebuild` to re-embed every document."
            )
            raise IndexMismatch(msg)
        return found

    def read_catalog(self) -> dict[str, DocumentInfo]:
        with chroma_errors(self.name):
            records = self.document_collection.get(include=["metadatas"])
        return {
            source: info_from(source, metadata)
            for source, metadata in zip(records["ids"], records["metadatas"] or [], strict=True)
        }

    def refresh(self, max_age: float | None = None) -> None:
        """Re-read the catalog when it is older than max_age (default REFRESH_SECONDS) seconds: another process
        (`citebot index add` beside a running bot) may have added, replaced or removed documents since, and
        reopen an embedded client whose vector index missed them. The core calls this before answering;
        searches themselves only read."""
        self.follow()
        if time.monotonic() - self.catalog_read_at < (REFRESH_SECONDS if max_age is None else max_age):
            return
        catalog = self.read_catalog()
        self.catalog_read_at = time.monotonic()
        if catalog == self.catalog:
            return
        changed = [s for s in catalog.keys() | self.catalog.keys() if catalog.get(s) != self.catalog.get(s)]
        if not all(Writes.ours(self.client, self.name, s, getattr(catalog.get(s), "sha256", None)) for s in changed):
            self.reopen()
        self.catalog = catalog
        self.lexical = None

    def reopen(self) -> None:
        """A new embedded client, whose vector index sees what other processes wrote (a server needs none)."""
        client = reopen(self.client)
        if client is not None:
            self.rebind(client)

    def follow(self) -> None:
        """Move to the folder's new client when another knowledge base's store reopened it (and stopped this one)."""
        client = latest(self.client)
        if client is not self.client:
            self.rebind(client)

    def rebind(self, client: ClientAPI) -> None:
        self.client = client
        self.passage_collection = self.collection(f"{self.name}_passages", self.model)
        self.document_collection = self.collection(f"{self.name}_documents", {"kind": "documents"})
        self.stats.collection = self.collection(f"{self.name}_stats", {"kind": "stats"})
        self.stored_vectors.collection = self.collection(f"{self.name}_vectors", self.model)
        self.vectors = self.vector_store()

    def documents(self) -> list[DocumentInfo]:
        """Every indexed document, oldest first."""
        return sorted(self.catalog.values(), key=lambda info: (info.added_at, info.source))

    def document(self, source: str) -> Document:
        """One document with its exact text."""
        return self.read_documents([source])[source]

    def read_documents(self, sources: list[str]) -> dict[str, Document]:
        """Documents with their exact texts, in one read; IndexMissing when one is not there."""
        with chroma_errors(self.name):
            records = self.document_collection.get(ids=sources, include=["documents", "metadatas"])
        found = {
            source: (info_from(source, metadata or {}), text or "")
            for source, metadata, text in zip(
                records["ids"], records["metadatas"] or [], records["documents"] or [], strict=True
            )
        }
        for source in sources:
            if source not in found:
                raise no_document(source)
        return {
            source: Document(source, info.title, text, info.url, info.added_at, info.date, info.pages)
            for source, (info, text) in found.items()
        }

    def context_for(self, passages: list[Passage], around: tuple[int, int], whole: bool = False) -> Context:
        """What an answer reads of the passages, in one batch: see index.storage.context."""
        documents = self.read_documents(sorted({p.source for p in passages})) if whole and passages else None
        return read_context(self.stats, self.stored_vectors, self.catalog, passages, around, documents)

    def add(self, document: Document, progress: Progress | None = None, force: bool = False) -> AddResult:
        """Index a document; a changed version replaces the old one at a single point."""
        current = self.catalog.get(document.source)
        if current and current.sha256 == document.sha256 and not force:
            self.delete_leftovers(document.source, document.sha256)
            return AddResult(document.source, "unchanged", current.passages)
        passages = with_pages(make_passages(document.source, document.sha256, document.text), document.pages)
        for batch_start in range(0, len(passages), EMBED_BATCH):
            batch = passages[batch_start : batch_start + EMBED_BATCH]
            self.write_passages(batch)
            self.stored_vectors.write(document.text, batch, self.embeddings)  # within the progress it shows
            if progress:
                progress(len(batch))
        self.stats.write(document)  # before the record, the commit point
        self.write_record(document, len(passages))
        self.delete_passages(other_versions(document.source, document.sha256))
        self.stats.forget(document.source, keep=document.sha256)
        copy = copy_in(self.catalog, document)  # kept, but answers cite one of the two (bot.retrieve.distinct)
        return AddResult(document.source, "replaced" if current else "added", len(passages), copy)

    def write_passages(self, passages: list[Passage]) -> None:
        with chroma_errors(self.name):
            self.vectors.add_texts(
                [passage.text for passage in passages],
                metadatas=[passage_metadata(passage) for passage in passages],
                ids=[passage.id for passage in passages],
            )

    def write_record(self, document: Document, passages: int) -> None:
        metadata = {
            "title": document.title,
            "sha256": document.sha256,
            "url": document.url or "",
            "added_at": time.time(),
            "passages": passages,
            "chars": len(document.text),
            "date": document.date or "",
            "pages": ",".join(map(str, document.pages)),
        }
        with chroma_errors(self.name):
            self.document_collection.upsert(
                ids=[document.source], documents=[document.text], metadatas=[metadata], embeddings=[[0.0]]
            )
        self.catalog[document.source] = info_from(document.source, metadata)
        Writes.note(self.client, self.name, document.source, document.sha256)
        self.lexical = None

    def remove(self, source: str) -> DocumentInfo:
        """Forget a document: its record first (so no query sees half of it), then its passages."""
        info = self.catalog.get(source)
        if info is None:
            raise no_document(source)
        with chroma_errors(self.name):
            self.document_collection.delete(ids=[source])
        del self.catalog[source]
        Writes.note(self.client, self.name, source, None)
        self.lexical = None
        self.delete_passages({"source": source})
        self.stats.forget(source)
        return info

    def delete_passages(self, where: dict[str, Any]) -> None:
        with chroma_errors(self.name):
            self.passage_collection.delete(where=where)

    def delete_leftovers(self, source: str, current_hash: str) -> None:
        """Passages of other versions of `source`, left by a run killed after its commit point; deleted
        only when there are any, so that re-adding an unchanged document writes nothing."""
        where = other_versions(source, current_hash)
        with chroma_errors(self.name):
            found = self.passage_collection.get(where=where, limit=1, include=[])
        if found["ids"]:
            self.delete_passages(where)

    def passage_counts(self) -> dict[str, int]:
        """Stored passages per source, current or not (the catalog's counts, unless a write was interrupted)."""
        return dict(Counter(p.source for p in stored_passages(self.passage_collection, self.name, lambda _: True)))

    def is_current(self, passage: Passage) -> bool:
        info = self.catalog.get(passage.source)
        return info is not None and info.sha256 == passage.doc_hash

    def current_passages(self) -> list[Passage]:
        """Every passage of every current document version."""
        return stored_passages(self.passage_collection, self.name, self.is_current)

    def dense_search(
        self, vector: list[float], k: int, sources: frozenset[str] | None = None
    ) -> list[tuple[Passage, float]]:
        """Nearest passages by embedding, with cosine similarity (vectors are normalised)."""
        where = {"source": {"$in": sorted(sources)}} if sources else None
        with chroma_errors(self.name):
            found = self.vectors.similarity_search_by_vector_with_relevance_scores(
                vector,
                k=k,
                filter=where,  # type: ignore[arg-type]  # langchain-chroma's hint is too narrow
            )
        hits = ((passage_from(doc.id or "", doc.page_content, doc.metadata), distance) for doc, distance in found)
        return [(passage, 1 - distance / 2) for passage, distance in hits if self.is_current(passage)]

    def lexical_index(self) -> LexicalIndex:
        """The BM25 index, loaded from disk, or built and saved after a change."""
        with self.lexical_lock:
            if self.lexical is None:
                versions = [(info.source, info.sha256) for info in self.catalog.values()]
                self.lexical = load_or_build(lexical_folder(self.client, self.name), versions, self.current_passages)
            return self.lexical

    def lexical_search(self, query: str, k: int, sources: frozenset[str] | None = None) -> list[tuple[Passage, float]]:
        hits = self.lexical_index().search(query, k if not sources else k * 10)
        return [(passage, score) for passage, score in hits if not sources or passage.source in sources][:k]

    def passage_count(self) -> int:
        return sum(info.passages for info in self.catalog.values())

    def require_documents(self) -> None:
        if not self.catalog:
            msg = "The index is empty; add documents with `citebot index add FILE`."
            raise IndexMissing(msg)


def no_document(source: str) -> IndexMissing:
    return IndexMissing(f"No document {source!r} in the index; `citebot index list` shows what is there.")


def other_versions(source: str, version: str) -> dict[str, Any]:
    """A Chroma filter for the passages of `source` that belong to a version other than `version`."""
    return {"$and": [{"source": source}, {"doc_hash": {"$ne": version}}]}
