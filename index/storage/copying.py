"""Copying a knowledge base: its passage records with their vectors, its documents' statistics, the vectors
stored for its answerer (index.storage.vector_memory), then its document records.

Nothing is embedded or computed again (each record is copied as stored), so a copy takes seconds where
re-indexing takes minutes. The order is the one `Store.add` keeps: passages and statistics first, each
document's record (the commit point) after them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from index.storage.chroma import chroma_errors
from index.storage.records import passage_from, record_pages
from index.storage.store import Store

Keep = Callable[[str, str, Any], bool]  # (id, text, metadata) -> whether the record is copied


def copy_documents(source: Store, target: Store) -> int:
    """Every current document of `source` into `target`, with its passages and vectors; returns how many."""
    source.catalog = source.read_catalog()
    versions = {(info.source, info.sha256) for info in source.catalog.values()}
    copy_records(
        source.passage_collection,
        target.passage_collection,
        target.name,
        lambda id_, text, metadata: source.is_current(passage_from(id_, text, metadata)),
    )
    # a version indexed before statistics existed has none to copy: the copy restores them when read, as
    # the source would
    copy_records(
        source.stats.collection,
        target.stats.collection,
        target.name,
        lambda _id, _text, metadata: (metadata["source"], metadata["sha256"]) in versions,
    )
    copy_records(source.stored_vectors.collection, target.stored_vectors.collection, target.name, lambda *_: True)
    infos = source.documents()
    documents = source.read_documents([info.source for info in infos])
    for info in infos:
        target.write_record(documents[info.source], info.passages)
    return len(source.catalog)


def copy_records(origin: Any, destination: Any, where: str, keep: Keep) -> None:
    """The records of one Chroma collection that `keep` accepts into another, vectors included."""
    for records in record_pages(origin, where, ["documents", "metadatas", "embeddings"]):
        ids, texts, metadatas = records["ids"], records["documents"] or [], records["metadatas"] or []
        vectors = records["embeddings"] if records["embeddings"] is not None else []
        chosen = [n for n, id_ in enumerate(ids) if keep(id_, texts[n] or "", metadatas[n])]
        if chosen:
            with chroma_errors(where):
                destination.upsert(
                    ids=[ids[n] for n in chosen],
                    documents=[texts[n] for n in chosen],
                    metadatas=[metadatas[n] for n in chosen],
                    embeddings=[vectors[n] for n in chosen],
                )
