"""Hybrid retrieval: dense (Chroma) and lexical (BM25) rankings, merged by reciprocal rank fusion."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from index.embeddings import NamedEmbeddings
from index.passages import Passage
from index.store import Store

RRF_K = 60  # the usual constant: damps the weight of the very first ranks


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found, the query's embedding (the answerer reuses it) and where time went."""

    hits: list[Hit]
    query_vector: list[float]
    timings_ms: dict[str, float] = field(default_factory=dict)


def fuse(rankings: list[list[Passage]], k: int) -> list[Hit]:
    """Reciprocal rank fusion: each ranking adds 1/(RRF_K + rank) to a passage's score."""
    scores: dict[str, float] = {}
    by_id: dict[str, Passage] = {}
    for ranking in rankings:
        for rank, passage in enumerate(ranking, start=1):
            scores[passage.id] = scores.get(passage.id, 0.0) + 1.0 / (RRF_K + rank)
            by_id[passage.id] = passage
    best = sorted(scores, key=lambda id_: -scores[id_])[:k]
    return [Hit(by_id[id_], scores[id_]) for id_ in best]


class Retriever:
    """Finds the passages most likely to answer a question, optionally within some sources."""

    def __init__(self, store: Store, embeddings: NamedEmbeddings, depth: int = 30) -> None:
        self.store = store
        self.embeddings = embeddings
        self.depth = depth

    def search(self, question: str, k: int = 12, sources: frozenset[str] | None = None) -> Retrieval:
        timings: dict[str, float] = {}
        with timed(timings, "embed"):
            vector = self.embeddings.embed_query(question)
        with timed(timings, "dense"):
            dense = self.store.dense_search(vector, self.depth, sources)
        with timed(timings, "lexical"):
            lexical = self.store.lexical_search(question, self.depth, sources)
        with timed(timings, "fusion"):
            hits = fuse([[p for p, _ in dense], [p for p, _ in lexical]], k)
        return Retrieval(hits, vector, timings)


class timed:
    """Adds the block's wall time, in milliseconds, to timings[name]."""

    def __init__(self, timings: dict[str, float], name: str) -> None:
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        elapsed = (time.perf_counter() - self.start) * 1000
        self.timings[self.name] = self.timings.get(self.name, 0.0) + elapsed
