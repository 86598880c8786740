"""Benchmark 3: the same bot over growing indexes of real English text, the seed article among them.

The distractors are the Python and Node.js documentation from Debian's `python3-doc` and `nodejs`
packages, in path order, added until the index holds each size in turn. Per size:
ingest throughput next to the embedding model's bare throughput on a sample of the same passages, disk,
peak memory, query latency, the lexical index's start-up (load vs rebuild), and the dev QA metrics for
hybrid, dense-only and BM25-only retrieval.

    .venv/bin/python benchmarks/scale.py --sizes 1000 10000 [--server]

With --server the index lives in a `chroma run` server; its embeddings come from the embedded run's
vectors (saved in $TMPDIR/citebot-bench/) so that the figure is the store's own cost.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    DEV_QA,
    OWN_QA,
    ROOT,
    SCRATCH,
    distractors,
    machine,
    p50_p95,
    peak_rss_mb,
    save,
    table,
    variants,
)

from bot.config import Settings  # noqa: E402
from bot.evaluation.evaluate import load_questions, run, summary_rows  # noqa: E402
from index.embeddings import NamedEmbeddings  # noqa: E402

BARE_SAMPLE = 512


class Recording(NamedEmbeddings):
    """The real model, remembering every vector it made; a replay serves them without the model.

    Vectors are kept as float32 arrays (1.5 kB each, not 12 kB as lists) so the recording barely moves
    the peak memory reported.
    """

    def __init__(self, inner: Any, known: dict[str, Any] | None = None) -> None:
        self.inner, self.known = inner, known if known is not None else {}
        self.name, self.dimension = inner.name, inner.dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        missing = [text for text in dict.fromkeys(texts) if text not in self.known]
        if missing:
            vectors = np.array(self.inner.embed_documents(missing), dtype="float32")
            self.known.update(zip(missing, vectors, strict=True))
        return [self.known[text].tolist() for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def take(documents: list[Any], start: int, size: int, have: int) -> tuple[list[Any], int]:
    """The next documents, from `start`, until the index would hold about `size` passages."""
    from index.passages import make_passages

    chosen = []
    for document in documents[start:]:
        if have >= size:
            break
        chosen.append(document)
        have += len(make_passages(document.source, document.sha256, document.text))
    return chosen, have


def bare_throughput(model: Any, texts: list[str]) -> tuple[float, float]:
    """Passages per second (wall, and per CPU second) of the model alone, on a sample of the new passages.

    The machine is shared, so CPU seconds are the steadier measure; both are reported.
    """
    sample = texts[:: max(1, len(texts) // BARE_SAMPLE)][:BARE_SAMPLE]
    started, cpu = time.perf_counter(), time.process_time()
    model.embed_documents(sample)
    return len(sample) / (time.perf_counter() - started), len(sample) / (time.process_time() - cpu)


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def lexical_startup(store: Any) -> dict[str, float]:
    """Seconds to get a lexical index in a fresh Store: from disk, and by rebuilding from Chroma."""
    from index.storage.lexical import LexicalIndex, lexical_folder, load_or_build

    versions = [(info.source, info.sha256) for info in store.catalog.values()]
    started = time.perf_counter()
    load_or_build(lexical_folder(store.client, store.name), versions, store.current_passages)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    LexicalIndex(store.current_passages())
    return {"load_s": loaded, "rebuild_s": time.perf_counter() - started}


def dense_recall(store: Any, embeddings: Any, k: int = 30) -> dict[str, float]:
    """How many of the exact k nearest passages Chroma's HNSW search returns, over the QA questions.

    Judged by similarity, not by id, so that duplicate passages (15% of the documentation) count as found.
    """
    import numpy as np

    collection = store.passage_collection
    pages = [
        collection.get(include=["embeddings"], limit=5000, offset=start)["embeddings"]
        for start in range(0, collection.count(), 5000)
    ]
    matrix = np.vstack([np.asarray(page, dtype="float32") for page in pages])
    questions = [q["question"] for path in [DEV_QA, *OWN_QA] for q in load_questions(path)]
    shares = []
    for vector in embeddings.embed_documents(questions):
        kth_best = np.sort(matrix @ np.asarray(vector, dtype="float32"))[-k]
        found = [score for _, score in store.dense_search(vector, k)]
        shares.append(sum(score >= kth_best - 1e-4 for score in found) / k)
    worst = int(np.argmin(shares))
    return {
        "dense_recall_mean": float(np.mean(shares)),
        "dense_recall_min": shares[worst],
        "dense_recall_worst_question": questions[worst],
    }


def query_block(bot: Any, embeddings: Any) -> dict[str, Any]:
    """Latency over all QA questions, and dev QA metrics for the three retrievals."""
    questions = [q for path in [DEV_QA, *OWN_QA] for q in load_questions(path)]
    run(bot, questions)  # warm-up
    latencies = [r["latency_ms"] for r in run(bot, questions)]
    metrics = {}
    for name in variants(bot):
        metrics[name] = dict(summary_rows(run(bot, load_questions(DEV_QA))))
    return {"latency_ms": latencies, "latency": p50_p95(latencies), "dev_qa": metrics}


def start_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "chroma"),
            "run",
            "--path",
            str(folder),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("chroma run did not start")


def server_peak_mb(server: subprocess.Popen[bytes] | None) -> float | None:
    if server is None:
        return None
    for line in Path(f"/proc/{server.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--server", action="store_true")
    parser.add_argument("--replay", action="store_true", help="Embedded, with the recorded vectors.")
    parser.add_argument("--keep", type=Path, help="Keep the index here instead of a temporary folder.")
    args = parser.parse_args()
    from bot.core import build
    from index.embeddings import LocalEmbeddings

    replay = args.server or args.replay
    mode = "server" if args.server else "embedded-replay" if args.replay else "embedded"
    vectors_file = SCRATCH / "vectors-docs.npz"
    model = LocalEmbeddings()
    embeddings = Recording(model, load_vectors(vectors_file) if replay else None)
    folder = args.keep or Path(tempfile.mkdtemp(prefix=f"citebot-scale-{mode}-"))
    server, url = start_server(folder / "server") if args.server else (None, None)
    try:
        bot = build(
            Settings(data_dir=folder / "data", chroma_url=url, chroma_timeout=120.0),
            embeddings,
            answerer="extractive",
        )
        rows = grow(bot, embeddings, model, args.sizes, folder, server, mode)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        if not replay:
            save_vectors(vectors_file, embeddings.known)
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    save(f"scale-{mode}", {"machine": machine(), "rows": rows})
    print(report(mode, rows))


def grow(bot: Any, embeddings: Any, model: Any, sizes: list[int], folder: Path, server: Any, mode: str) -> list[Any]:
    """Add distractors up to each size; measure after each step."""
    replayed = mode != "embedded"
    from index.passages import make_passages

    documents, used, have, rows = distractors(), 0, bot.store.passage_count(), []
    for size in sizes:
        chosen, target = take(documents, used, size, have)
        used += len(chosen)
        texts = [p.text for d in chosen for p in make_passages(d.source, d.sha256, d.text)]
        started, cpu = time.perf_counter(), time.process_time()
        for document in chosen:
            bot.add_document(document)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        bare, bare_cpu = (None, None) if replayed else bare_throughput(model, texts)
        bot.store.lexical_search("warm", 1)  # builds and saves the lexical index (timed below)
        row = {
            "passages": bot.store.passage_count(),
            "added": len(texts),
            "ingest_s": seconds,
            "ingest_per_s": len(texts) / seconds if seconds else 0.0,
            "ingest_per_cpu_s": len(texts) / cpu if cpu else 0.0,
            "bare_per_s": bare,
            "bare_per_cpu_s": bare_cpu,
            "disk_mb": disk_mb(folder),
            "peak_rss_mb": peak_rss_mb(),
            "server_peak_mb": server_peak_mb(server),
            **lexical_startup(bot.store),
            **dense_recall(bot.store, embeddings),
            **query_block(bot, embeddings),
        }
        rows.append(row)
        # saved after every size: a long run may be cut short
        save(f"scale-{mode}", {"machine": machine(), "rows": rows})
        if not replayed:
            save_vectors(SCRATCH / "vectors-docs.npz", embeddings.known)
        print(
            f"{mode} {row['passages']} passages: {row['ingest_per_s']:.1f}/s ingest, query {row['latency']} ms",
            flush=True,
        )
        have = target
    return rows


def load_vectors(path: Path) -> dict[str, Any]:
    import numpy as np

    if not path.exists():
        sys.exit(f"{path} is missing: run the embedded benchmark first, it records the vectors")
    data = np.load(path, allow_pickle=False)
    return {str(text): vector for text, vector in zip(data["texts"], data["vectors"], strict=True)}


def save_vectors(path: Path, known: dict[str, Any]) -> None:
    import numpy as np

    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, texts=np.array(list(known)), vectors=np.stack(list(known.values())))


def report(mode: str, rows: list[dict[str, Any]]) -> str:
    header = [
        "passages",
        "ingest /s",
        "bare model /s",
        "ratio",
        "ratio per CPU s",
        "disk MB",
        "peak RSS MB",
        "query p50 / p95 ms",
        "BM25 load / rebuild s",
        "HNSW recall@30 mean / min",
        "evidence recall",
        "precision@1",
        "abstention",
    ]
    lines = []
    for r in rows:
        qa = r["dev_qa"]["hybrid"]
        bare = r["bare_per_s"]
        lines.append(
            [
                f"{r['passages']:,}",
                f"{r['ingest_per_s']:.1f}",
                f"{bare:.1f}" if bare else "(replayed)",
                f"{r['ingest_per_s'] / bare:.0%}" if bare else "-",
                f"{r['ingest_per_cpu_s'] / r['bare_per_cpu_s']:.0%}" if bare else "-",
                f"{r['disk_mb']:.0f}",
                f"{r['peak_rss_mb']:.0f}" + (f" + server {r['server_peak_mb']:.0f}" if r["server_peak_mb"] else ""),
                r["latency"],
                f"{r['load_s']:.2f} / {r['rebuild_s']:.2f}",
                f"{r['dense_recall_mean']:.0%} / {r['dense_recall_min']:.0%}",
                qa["evidence recall"],
                qa["precision@1"],
                qa["abstention (unanswerable)"],
            ]
        )
    return f"\n{mode}\n\n" + table(header, lines)


if __name__ == "__main__":
    main()
