"""The vectors of what the extractive answerer compares with questions, embedded once, when a document is added.

The answerer ranks a retrieved passage's units (index.passages.unit_spans) by their MiniLM similarity to the
question, and compares the words of a unit that lacks a question word with it by meaning. Embedding those at ask
time was most of a first question's time (p50 119 ms against 38 ms for text seen before), so each document's
units and their words are embedded as it is added, into the collection `<name>_vectors`, keyed by a hash of the
text. A text that several documents share is stored once, and a stored vector is never stale: its text is its
key, and a collection of another model is refused like the passages'. Removing a document leaves its vectors, a
cache bounded by the vocabulary and sentences the index has held; `index rebuild` starts it afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from index.passages import Passage, passage_units
from index.storage.chroma import chroma_errors
from index.storage.lexical import content_words

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

WRITE_BATCH = 1000


def vector_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def compared_texts(text: str, passages: Sequence[Passage]) -> list[str]:
    """Each unit of the document's passages and each of their words, once."""
    units = [unit for passage in passages for unit in passage_units(text, passage)]
    return list(dict.fromkeys([*units, *(word for unit in units for word in content_words(unit))]))


class StoredVectors:
    """The `<name>_vectors` collection: written as documents are added, read by the answerer for what it meets."""

    def __init__(self, collection: Any, where: str) -> None:
        self.collection = collection
        self.where = where

    def read(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those texts that have one."""
        if not texts:
            return {}
        ids = {vector_id(text): text for text in texts}
        with chroma_errors(self.where):
            found = self.collection.get(ids=list(ids), include=["embeddings"])
        return {
            ids[key]: np.asarray(vector, dtype=np.float32)
            for key, vector in zip(found["ids"], found["embeddings"], strict=True)
        }

    def absent(self, texts: Sequence[str]) -> list[str]:
        """The texts that have no stored vector, read in batches."""
        found: list[str] = []
        for start in range(0, len(texts), WRITE_BATCH):
            batch = {vector_id(text): text for text in texts[start : start + WRITE_BATCH]}
            with chroma_errors(self.where):
                stored = set(self.collection.get(ids=list(batch), include=[])["ids"])
            found += [text for key, text in batch.items() if key not in stored]
        return found

    def write(self, text: str, passages: Sequence[Passage], embeddings: Embeddings) -> None:
        """Embed and store what the answerer will compare of these passages of the document `text`, unless stored."""
        missing = self.absent(compared_texts(text, passages))
        for start in range(0, len(missing), WRITE_BATCH):
            batch = missing[start : start + WRITE_BATCH]
            vectors = embeddings.embed_documents(batch)
            with chroma_errors(self.where):
                self.collection.upsert(ids=[vector_id(unit) for unit in batch], embeddings=vectors)
