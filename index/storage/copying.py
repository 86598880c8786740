"""Copying a knowledge base: its passage records with their vectors, then its document records.

Nothing is embedded again, so a copy takes seconds where re-indexing takes minutes. The order is the one
`Store.add` keeps: passages first, each document's record (the commit point) after them.
"""

from __future__ import annotations

from index.storage.chroma import chroma_errors
from index.storage.records import PAGE, passage_from
from index.storage.store import Store


def copy_documents(source: Store, target: Store) -> int:
    """Every current document of `source` into `target`, with its passages and vectors; returns how many."""
    source.catalog = source.read_catalog()
    for offset in range(0, 1 << 62, PAGE):
        with chroma_errors(source.name):
            records = source.passage_collection.get(
                include=["documents", "metadatas", "embeddings"], limit=PAGE, offset=offset
            )
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
        if len(records["ids"]) < PAGE:
            break
    for info in source.documents():
        document = source.document(info.source)
        target.stats.write(document)
        target.write_record(document, info.passages)
    return len(source.catalog)
