"""What an answer reads of the store, read in one batch by retrieval: the text around each retrieved passage,
its documents' statistics and catalog records, (for the LLM's citation check) whole documents, and the
vectors stored at ingest of what the extractive answerer compares with the question, read when it needs them.

The answerers read only this, and the core checks each citation against the window it was cut from, so one
answer reads the store once and its citations are spans of the very text that was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.documents import Document
from index.errors import IndexMissing, InternalError
from index.passages import Passage
from index.storage.doc_stats import DocumentStats, StatsStore
from index.storage.records import DocumentInfo
from index.storage.vector_memory import StoredVectors


@dataclass(frozen=True)
class Window:
    """A document version's text from offset `start` on: the text around one passage."""

    source: str
    doc_hash: str
    start: int
    text: str

    def span(self, start: int, end: int) -> str | None:
        """text[start:end] of the document (absolute offsets), or None when the window does not hold it all."""
        if start < self.start or end > self.start + len(self.text):
            return None
        return self.text[start - self.start : end - self.start]


@dataclass(frozen=True)
class Context:
    """Everything the answerers may read for one retrieval's passages."""

    windows: dict[str, Window] = field(default_factory=dict)  # passage id -> the text around it
    stats: dict[tuple[str, str], DocumentStats] = field(default_factory=dict)  # (source, version) ->
    catalog: dict[str, DocumentInfo] = field(default_factory=dict)  # the passages' documents
    documents: dict[str, Document] = field(default_factory=dict)  # whole documents, when they were asked for
    vectors: StoredVectors | None = None

    def window(self, passage: Passage) -> Window:
        return self.windows[passage.id]

    def text(self, passage: Passage, start: int, end: int) -> str:
        """The passage's document from offset `start` to `end` (clipped at the document's end), from its window."""
        window = self.window(passage)
        found = window.span(start, min(end, window.start + len(window.text)))
        if found is None:
            msg = f"retrieval read the text of {passage.id} from {window.start}, not from {start} to {end}"
            raise InternalError(msg)
        return found

    def stats_of(self, passage: Passage) -> DocumentStats:
        return self.stats[(passage.source, passage.doc_hash)]

    def document(self, source: str) -> Document:
        return self.documents[source]

    def span(self, source: str, doc_hash: str, start: int, end: int) -> str | None:
        """text[start:end] of that document version, from a window that holds it (None if none does)."""
        for window in self.windows.values():
            if window.source == source and window.doc_hash == doc_hash:
                found = window.span(start, end)
                if found is not None:
                    return found
        return None


def read_context(
    stats: StatsStore,
    vectors: StoredVectors,
    catalog: dict[str, DocumentInfo],
    passages: list[Passage],
    around: tuple[int, int],
    documents: dict[str, Document] | None = None,
) -> Context:
    """The context of the passages: windows from `around[0]` characters ahead of each one to `around[1]` after it
    (or the document's end), read from the stats collection's chunks (or cut from `documents`, when the whole
    documents were read instead)."""
    versions = list(dict.fromkeys((p.source, p.doc_hash) for p in passages))
    before, after = around
    spans = [
        (p.source, p.doc_hash, max(0, p.start - before), max(p.end, min(p.end + after, catalog[p.source].chars)))
        for p in passages
    ]
    if documents is not None:
        stale = [source for source, sha256 in versions if documents[source].sha256 != sha256]
        if stale:
            msg = f"{stale[0]!r} changed while it was being read; ask again."
            raise IndexMissing(msg)
        found, _ = stats.read(versions, [])
        windows = [Window(p.source, p.doc_hash, 0, documents[p.source].text) for p in passages]
    else:
        found, texts = stats.read(versions, spans)
        windows = [Window(*span[:3], text) for span, text in zip(spans, texts, strict=True)]
    return Context(
        {p.id: window for p, window in zip(passages, windows, strict=True)},
        found,
        {source: catalog[source] for source, _ in versions},
        documents or {},
        vectors,
    )
