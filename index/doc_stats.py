"""What the answerer needs of a whole document, computed once at ingest and stored beside it.

An answer weighs the question's terms by how many of the document's sentences contain them, names a speaker
by the longest form of the name in the document, and reads the text around the passages it cites. None of
that may cost the length of the document at ask time, so each document version gets, in the Chroma collection
`<name>_stats` (which `index rebuild` keeps, and a `chroma run` server holds like the others):
a stats record (sentence count, sentences per term, longest names) and its text in fixed-size chunks, which a
window of text is read from by id.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from index.chroma import chroma_errors
from index.documents import Document
from index.errors import IndexMissing
from index.lexical import terms
from index.passages import make_passages, sentence_spans

CHUNK_CHARS = 4000
WRITE_BATCH = 1000
NAME = re.compile(r"(?:[A-Z][\w’'-]*+\.?\s+){0,3}[A-Z][\w’'-]+")
NOT_NAMES = frozenset(
    "The A An In On At During After Before When While Earlier Additionally However Upon But And It "
    "This That These Those He She They We I".split()
)


def names(text: str) -> list[str]:
    """Capitalised word runs, without leading sentence words like "During" or "The"."""
    result = []
    for match in NAME.finditer(text):
        words = match.group(0).split()
        while words and words[0] in NOT_NAMES:
            words.pop(0)
        if words:
            result.append(" ".join(words))
    return result


def longest_names(text: str) -> dict[str, str]:
    """Last word -> the first longest name of at most three words ending with it ("Haluk Bayraktar")."""
    found: dict[str, str] = {}
    for form in names(text):
        words = form.split()
        if len(words) <= 3 and len(form) > len(found.get(words[-1], "")):
            found[words[-1]] = form
    return found


@dataclass(frozen=True)
class DocumentStats:
    """Per document version: its sentence count, how many sentences hold each term, its longest names."""

    sentences: int
    containing: dict[str, int]
    names: dict[str, str]

    @classmethod
    def of(cls, text: str) -> DocumentStats:
        """The statistics of a text, its sentences being those of its passages."""
        spans = [span for part in make_passages("", "", text) for span in sentence_spans(text, part.start, part.end)]
        containing = Counter(term for start, end in spans for term in set(terms(text[start:end])))
        return cls(len(spans), dict(containing), longest_names(text))

    def to_json(self) -> str:
        return json.dumps([self.sentences, self.containing, self.names], ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> DocumentStats:
        sentences, containing, found = json.loads(data)
        return cls(int(sentences), containing, found)


def record_id(source: str, sha256: str, part: str) -> str:
    return f"{sha256}:{part}:{source}"


def write_stats(collection: Any, where: str, source: str, sha256: str, text: str) -> DocumentStats:
    """Store a document version's statistics and text chunks; return the statistics."""
    stats = DocumentStats.of(text)
    chunks = [text[i : i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)]
    ids = [record_id(source, sha256, "stats"), *(record_id(source, sha256, str(n)) for n in range(len(chunks)))]
    documents = [stats.to_json(), *chunks]
    for start in range(0, len(ids), WRITE_BATCH):
        batch = slice(start, start + WRITE_BATCH)
        with chroma_errors(where):
            collection.upsert(
                ids=ids[batch],
                documents=documents[batch],
                metadatas=[{"source": source, "sha256": sha256}] * len(ids[batch]),
                embeddings=[[0.0]] * len(ids[batch]),
            )
    return stats


def read_stats(collection: Any, where: str, source: str, sha256: str) -> DocumentStats | None:
    """A document version's stored statistics, or None when they were never written."""
    with chroma_errors(where):
        found = collection.get(ids=[record_id(source, sha256, "stats")], include=["documents"])
    documents = found["documents"] or []
    return DocumentStats.from_json(documents[0]) if documents and documents[0] else None


def read_window(collection: Any, where: str, source: str, sha256: str, start: int, end: int) -> str | None:
    """text[start:end] of a document version, from the chunks that hold it; None when one is missing."""
    first, last = start // CHUNK_CHARS, max(start, end - 1) // CHUNK_CHARS
    ids = [record_id(source, sha256, str(n)) for n in range(first, last + 1)]
    with chroma_errors(where):
        found = collection.get(ids=ids, include=["documents"])
    chunks = dict(zip(found["ids"], found["documents"] or [], strict=True))
    if any(chunks.get(id_) is None for id_ in ids):
        return None
    joined = "".join(chunks[id_] or "" for id_ in ids)
    return joined[start - first * CHUNK_CHARS : end - first * CHUNK_CHARS]


class StatsStore:
    """The `<name>_stats` collection: written with each document version, read by the answerer."""

    def __init__(self, collection: Any, where: str, document: Callable[[str], Document]) -> None:
        self.collection = collection
        self.where = where
        self.document = document  # reads a document's whole text, only for versions indexed without stats

    def write(self, document: Document) -> DocumentStats:
        return write_stats(self.collection, self.where, document.source, document.sha256, document.text)

    def forget(self, source: str, keep: str | None = None) -> None:
        """Drop the records of a source's versions, but for `keep`."""
        where = {"$and": [{"source": source}, {"sha256": {"$ne": keep}}]} if keep else {"source": source}
        with chroma_errors(self.where):
            self.collection.delete(where=where)

    def stats(self, source: str, sha256: str) -> DocumentStats:
        """A document version's statistics, computed again (and stored) if an older index lacks them."""
        found = read_stats(self.collection, self.where, source, sha256)
        return found or self.restore(source, sha256)[0]

    def window(self, source: str, sha256: str, start: int, end: int) -> str:
        """text[start:end] of a document version, read from its chunks rather than its whole text."""
        found = read_window(self.collection, self.where, source, sha256, start, end)
        return found if found is not None else self.restore(source, sha256)[1][start:end]

    def restore(self, source: str, sha256: str) -> tuple[DocumentStats, str]:
        """Statistics and chunks for a version indexed before they existed: once, from the whole text."""
        document = self.document(source)
        if document.sha256 != sha256:
            msg = f"{source!r} changed while it was being read; ask again."
            raise IndexMissing(msg)
        return self.write(document), document.text
