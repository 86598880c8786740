"""Knowledge bases in Chroma: a collection per KB, or one collection filtered by a `kb` metadata field?

20 KBs of uneven size (Zipf-like, the way servers differ), 10,000 passages in all, with seeded random unit
vectors of MiniLM's 384 dimensions (so it runs in a minute or two, no model), stored with the passage metadata
citebot writes and the HNSW settings of index/storage/store.py. For each layout: ingest time, disk, and per KB
the p50/p95 of a top-30 query (the retriever's depth) and its recall of the exact top 30.

    python benchmarks/kb_layout.py [--queries 40] [--out benchmarks/results/kb_layout.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.storage.store import HNSW  # noqa: E402

KBS, PASSAGES, DIMENSION, DEPTH, BATCH = 20, 10_000, 384, 30, 500


def kb_sizes() -> list[int]:
    """Passages per KB, Zipf-like (1/rank), summing to PASSAGES."""
    weights = [1 / rank for rank in range(1, KBS + 1)]
    sizes = [max(1, round(PASSAGES * w / sum(weights))) for w in weights]
    sizes[0] += PASSAGES - sum(sizes)
    return sizes


def unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def data(rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {
        f"kb{n:02d}": unit(rng.standard_normal((size, DIMENSION)).astype(np.float32))
        for n, size in enumerate(kb_sizes())
    }


def metadata(kb: str, n: int, with_kb: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"source": f"{kb}/doc{n // 20}.txt", "doc_hash": "0" * 64, "start": n, "end": n + 1}
    found["paragraph"] = n % 20
    return {**found, "kb": kb} if with_kb else found


def ingest(client: Any, vectors: dict[str, np.ndarray], per_kb: bool) -> dict[str, tuple[Any, dict[str, str] | None]]:
    """The collections of one layout; returns KB name -> (collection, where filter)."""
    targets: dict[str, tuple[Any, dict[str, str] | None]] = {}
    shared: Any = None if per_kb else client.create_collection("all_passages", configuration={"hnsw": HNSW})
    for kb, kb_vectors in vectors.items():
        collection = client.create_collection(f"{kb}_passages", configuration={"hnsw": HNSW}) if per_kb else shared
        for start in range(0, len(kb_vectors), BATCH):
            rows = range(start, min(start + BATCH, len(kb_vectors)))
            collection.add(
                ids=[f"{kb}-{n}" for n in rows],
                embeddings=kb_vectors[start : start + BATCH],
                documents=[f"passage {n} of {kb}" for n in rows],
                metadatas=[metadata(kb, n, not per_kb) for n in rows],
            )
        targets[kb] = (collection, None if per_kb else {"kb": kb})
    return targets


def queries(rng: np.random.Generator, kb_vectors: np.ndarray, count: int) -> np.ndarray:
    """Replayed questions: a stored passage's vector plus noise, so each has real near neighbours."""
    picked = kb_vectors[rng.integers(0, len(kb_vectors), count)]
    return unit(picked + 0.8 * rng.standard_normal(picked.shape).astype(np.float32) / np.sqrt(DIMENSION) * 10)


def measure(layout: str, vectors: dict[str, np.ndarray], count: int, seed: int) -> dict[str, Any]:
    import chromadb
    from chromadb.config import Settings

    folder = Path(tempfile.mkdtemp(prefix=f"kb-layout-{layout}-"))
    try:
        client = chromadb.PersistentClient(path=str(folder), settings=Settings(anonymized_telemetry=False))
        started = time.perf_counter()
        targets = ingest(client, vectors, per_kb=layout == "collection per KB")
        ingest_s = time.perf_counter() - started
        rng = np.random.default_rng(seed)
        per_kb = {kb: query_kb(*targets[kb], vectors[kb], queries(rng, vectors[kb], count)) for kb in vectors}
        disk = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
        return {"layout": layout, "ingest_s": round(ingest_s, 2), "disk_mb": round(disk / 1e6, 1), "per_kb": per_kb}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def query_kb(
    collection: Any, where: dict[str, str] | None, kb_vectors: np.ndarray, asked: np.ndarray
) -> dict[str, Any]:
    """Latency of each query (after one warm-up) and its recall of the exact top DEPTH within the KB."""
    collection.query(query_embeddings=asked[:1], n_results=DEPTH, where=where, include=[])
    times, recalls = [], []
    for vector in asked:
        started = time.perf_counter()
        found = collection.query(query_embeddings=[vector], n_results=DEPTH, where=where, include=[])
        times.append((time.perf_counter() - started) * 1000)
        exact = np.argsort(-(kb_vectors @ vector))[: min(DEPTH, len(kb_vectors))]
        ids = {int(id_.rsplit("-", 1)[1]) for id_ in found["ids"][0]}
        recalls.append(len(ids & set(exact.tolist())) / len(exact))
    return {
        "passages": len(kb_vectors),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "recall": round(statistics.mean(recalls), 3),
    }


def show(result: dict[str, Any]) -> None:
    rows = result["per_kb"]
    print(f"\n{result['layout']}: ingest {result['ingest_s']} s, disk {result['disk_mb']} MB")
    print(f"{'kb':6} {'passages':>8} {'p50 ms':>8} {'p95 ms':>8} {'recall@30':>9}")
    for kb, row in rows.items():
        print(f"{kb:6} {row['passages']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['recall']:>9}")
    p50s, p95s = [row["p50_ms"] for row in rows.values()], [row["p95_ms"] for row in rows.values()]
    print(f"median of the KBs' p50: {statistics.median(p50s):.2f} ms; worst p95 {max(p95s)} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=40, help="queries per KB")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    vectors = data(np.random.default_rng(args.seed))
    results = [measure(layout, vectors, args.queries, args.seed) for layout in ("collection per KB", "one collection")]
    for result in results:
        show(result)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
