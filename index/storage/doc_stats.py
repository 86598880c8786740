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

from index.documents import Document
from index.errors import IndexMissing
from index.passages import make_passages, sentence_spans
from index.storage.chroma import chroma_errors
from index.storage.lexical import terms

CHUNK_CHARS = 4000
WRITE_BATCH = 1000
MAX_PARSED = 256  # document versions whose parsed statistics are kept
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


def read_records(collection: Any, where: str, ids: list[str]) -> dict[str, str]:
    """The stored texts of these record ids, in one read; an id never written is missing from the result."""
    if not ids:  # nothing retrieved (Chroma refuses a get of no ids)
        return {}
    with chroma_errors(where):
        found = collection.get(ids=list(dict.fromkeys(ids)), include=["documents"])
    return {id_: text for id_, text in zip(found["ids"], found["documents"] or [], strict=True) if text is not None}


def chunk_ids(source: str, sha256: str, start: int, end: int) -> list[str]:
    """The ids of the chunks that hold text[start:end] of a document version."""
    first, last = start // CHUNK_CHARS, max(start, end - 1) // CHUNK_CHARS
    return [record_id(source, sha256, str(n)) for n in range(first, last + 1)]


def cut(records: dict[str, str], source: str, sha256: str, start: int, end: int) -> str | None:
    """text[start:end] of a document version, from its chunks among the records; None when one is missing."""
    ids = chunk_ids(source, sha256, start, end)
    if any(id_ not in records for id_ in ids):
        return None
    base = (start // CHUNK_CHARS) * CHUNK_CHARS
    return "".join(records[id_] for id_ in ids)[start - base : end - base]


Version = tuple[str, str]  # (source, sha256)
Span = tuple[str, str, int, int]  # (source, sha256, start, end)


class StatsStore:
    """The `<name>_stats` collection: written with each document version, read by retrieval for the answerer."""

    def __init__(self, collection: Any, where: str, document: Callable[[str], Document]) -> None:
        self.collection = collection
        self.where = where
        self.document = document  # reads a document's whole text, only for versions indexed without stats
        # a version's statistics never change: parsed once, not at every answer (they grow with the vocabulary)
        self.parsed: dict[Version, DocumentStats] = {}

    def write(self, document: Document) -> DocumentStats:
        return write_stats(self.collection, self.where, document.source, document.sha256, document.text)

    def forget(self, source: str, keep: str | None = None) -> None:
        """Drop the records of a source's versions, but for `keep`."""
        where = {"$and": [{"source": source}, {"sha256": {"$ne": keep}}]} if keep else {"source": source}
        with chroma_errors(self.where):
            self.collection.delete(where=where)
        self.parsed = {
            version: stats for version, stats in self.parsed.items() if version[0] != source or version[1] == keep
        }

    def read(self, versions: list[Version], spans: list[Span]) -> tuple[dict[Version, DocumentStats], list[str]]:
        """The versions' statistics and the spans' texts, in one read of the collection (statistics already
        parsed are not read again; versions indexed before statistics existed get them from their whole
        text, once)."""
        ids = {version: record_id(*version, "stats") for version in versions if version not in self.parsed}
        records = read_records(self.collection, self.where, [*ids.values(), *(i for s in spans for i in chunk_ids(*s))])
        missing = {version for version, id_ in ids.items() if id_ not in records}
        restored = {
            version: self.restore(*version)
            for version in versions
            if version in missing or any(cut(records, *span) is None for span in spans if span[:2] == version)
        }
        if len(self.parsed) > MAX_PARSED:
            self.parsed.clear()  # bounded memory over a large corpus
        for version, id_ in ids.items():
            if version not in restored:
                self.parsed[version] = DocumentStats.from_json(records[id_])
        self.parsed.update((version, stats) for version, (stats, _) in restored.items())
        texts = [
            restored[span[:2]][1][span[2] : span[3]] if span[:2] in restored else cut(records, *span) or ""
            for span in spans
        ]
        return {version: self.parsed[version] for version in versions}, texts

    def restore(self, source: str, sha256: str) -> tuple[DocumentStats, str]:
        """Statistics and chunks for a version indexed before they existed: once, from the whole text."""
        document = self.document(source)
        if document.sha256 != sha256:
            msg = f"{source!r} changed while it was being read; ask again."
            raise IndexMissing(msg)
        return self.write(document), document.text
