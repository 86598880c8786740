"""Benchmark 4: BEIR SciFact through `citebot bench beir`, and a sweep of fusion variants on the same rankings.

    .venv/bin/citebot bench beir ../shared/bench/scifact --split train --run-out benchmarks/results/scifact-train.run
    .venv/bin/python benchmarks/scifact.py --cache DIR   # the sweep, on the index the command cached

The sweep reads each query's dense and BM25 passage rankings once and recombines them offline: passage-level
RRF (citebot's retrieval today), weighted RRF, and convex combinations of min-max normalised scores.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save, shared_path, table  # noqa: E402

from bot import beir  # noqa: E402
from bot.retrieve import normalised as min_max  # noqa: E402

Scored = list[tuple[Any, float]]


def rrf(rankings: list[Scored], weights: list[float], k: int = 60) -> Scored:
    scores: dict[str, float] = {}
    by_id: dict[str, Any] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (passage, _) in enumerate(ranking, start=1):
            scores[passage.id] = scores.get(passage.id, 0.0) + weight / (k + rank)
            by_id[passage.id] = passage
    return [(by_id[i], s) for i, s in sorted(scores.items(), key=lambda item: -item[1])]


def normalised(ranking: Scored) -> dict[str, tuple[Any, float]]:
    """Min-max over the retrieved list; an absent passage counts as the list's minimum (0)."""
    if not ranking:
        return {}
    high, low = max(s for _, s in ranking), min(s for _, s in ranking)
    span = (high - low) or 1.0
    return {p.id: (p, (s - low) / span) for p, s in ranking}


def convex(dense: Scored, lexical: Scored, alpha: float) -> Scored:
    a, b = normalised(dense), normalised(lexical)
    merged = {i: (p, alpha * s) for i, (p, s) in a.items()}
    for i, (p, s) in b.items():
        merged[i] = (p, merged.get(i, (p, 0.0))[1] + (1 - alpha) * s)
    return sorted(merged.values(), key=lambda item: -item[1])


def variants(dense: Scored, lexical: Scored) -> dict[str, Scored]:
    out = {"dense": dense, "bm25": lexical, "rrf k=60 (citebot before)": rrf([dense, lexical], [1, 1])}
    for k in (10, 30):
        out[f"rrf k={k}"] = rrf([dense, lexical], [1, 1], k)
    for w in (0.7, 1.5):
        out[f"rrf k=60 dense x{w}"] = rrf([dense, lexical], [w, 1])
    for alpha in (0.3, 0.4, 0.5, 0.6, 0.7):  # 0.5 is citebot's fusion now
        out[f"min-max alpha={alpha}"] = convex(dense, lexical, alpha)
    for depth in (50, 100, 200):  # how deep the min-max's minimum sits (the bench reads 400 per method)
        out[f"min-max alpha=0.5, normalised over top {depth}"] = convex(dense[:depth], lexical[:depth], 0.5)
    return out


def by_top_two(ranking: Scored, weight: float) -> beir.Ranking:
    """A document scores by its best passage plus `weight` times its second best."""
    found: dict[str, list[float]] = {}
    for passage, score in ranking:
        found.setdefault(passage.source, []).append(score)
    scores = {doc: s[0] + weight * (s[1] if len(s) > 1 else 0.0) for doc, s in found.items()}
    return sorted(scores.items(), key=lambda item: -item[1])[: beir.RUN_DEPTH]


def document_rankings(dense: Scored, lexical: Scored) -> dict[str, beir.Ranking]:
    """Variants that rank documents some other way than by their best fused passage."""
    fused = convex(dense, lexical, 0.5)
    out = {f"min-max alpha=0.5, best + {w} x second passage": by_top_two(fused, w) for w in (0.1, 0.25)}
    documents = [beir.by_document(ranking, depth=len(ranking)) for ranking in (dense, lexical)]
    scores: dict[str, float] = {}
    for ranking in documents:
        for doc, score in min_max(ranking):
            scores[doc] = scores.get(doc, 0.0) + 0.5 * score
    out["min-max alpha=0.5 over documents, not passages"] = sorted(scores.items(), key=lambda item: -item[1])[
        : beir.RUN_DEPTH
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--split", default="train")
    parser.add_argument("--cache", type=Path, required=True)
    args = parser.parse_args()
    from index.embeddings import LocalEmbeddings
    from index.store import Store, open_client

    data = beir.load(args.data or shared_path("bench", "scifact"), args.split)
    embeddings = LocalEmbeddings()
    store = Store(open_client(args.cache, None, 60.0), embeddings, "beir")
    vectors = embeddings.embed_documents(list(data.queries.values()))
    runs: dict[str, dict[str, beir.Ranking]] = {}
    for (qid, text), vector in zip(data.queries.items(), vectors, strict=True):
        dense = store.dense_search(vector, beir.PASSAGE_DEPTH)
        lexical = store.lexical_search(text, beir.PASSAGE_DEPTH)
        for name, ranking in variants(dense, lexical).items():
            runs.setdefault(name, {})[qid] = beir.by_document(ranking)
        for name, documents in document_rankings(dense, lexical).items():
            runs.setdefault(name, {})[qid] = documents
    results = {name: beir.metrics(run, data.qrels) for name, run in runs.items()}
    save(f"scifact-{args.split}-sweep", {"machine": machine(), "queries": len(data.queries), "results": results})
    rows = [[name, *(f"{v:.4f}" for v in values.values())] for name, values in results.items()]
    print(table(["fusion", "nDCG@10", "recall@10", "recall@100"], rows))


if __name__ == "__main__":
    main()
