"""Copying a knowledge base: its passage records with their vectors, then its document records.

Nothing is embedded again, so a copy takes seconds where re-indexing takes minutes. The order is the one
`Store.add` keeps: passages first, each document's record (the commit point) after them.
"""

from __future__ import annotations

from index.storage.chroma import chroma_errors
from index.storage.records import passage_from, record_pages
from index.storage.store import Store


def copy_documents(source: Store, target: Store) -> int:
    """Every current document of `source` into `target`, with its passages and vectors; returns how many."""
    source.catalog = source.read_catalog()
    for records in record_pages(source.passage_collection, source.name, ["documents", "metadatas", "embeddings"]):
        ids, texts, metadatas = records["ids"], records["documents"] or [], records["metadatas"] or []
        vectors = records["embeddings"] if records["embeddings"] is not None else []
        keep = [n for n, id_ in enumerate(ids) if source.is_current(passage_from(id_, texts[n] or "", metadatas[n]))]
        if keep:
            with chroma_errors(target.name):
                target.passage_collection.add(
                    ids=[ids[n] for n in keep],
                    documents=[texts[n] for n in keep],
                    metadatas=[metadatas[n] for n in keep],
                    embeddings=[vectors[n] for n in keep],
                )
    infos = source.documents()
    documents = source.read_documents([info.source for info in infos])
    for info in infos:
        document = documents[info.source]
        target.stats.write(document)
        target.write_record(document, info.passages)
    return len(source.catalog)
