"""Benchmark 1: citebot against the tutorial LangChain pipeline on the QA files (`citebot eval` metrics).

The tutorial pipeline: RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), a Chroma
similarity search with k=4 and the same embedding model, every retrieved chunk cited, never abstaining.
Rows for citebot's dense-only and BM25-only retrieval show what each half of the hybrid brings.

    .venv/bin/python benchmarks/quality.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEV_QA, OWN_QA, machine, save, table, variants  # noqa: E402

VARIANT_ROWS = {"hybrid": "citebot (hybrid)", "dense": "citebot dense-only", "bm25": "citebot BM25-only"}

from bot.config import Settings  # noqa: E402
from bot.evaluation.evaluate import load_questions, run, score, summary_rows  # noqa: E402

METRICS = ["evidence recall", "precision@1", "abstention (unanswerable)", "false abstention (answerable)"]


def tutorial(text: str, embeddings: Any, folder: Path) -> Any:
    """The LangChain tutorial's index over the same text."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_text(text)
    client = chromadb.PersistentClient(path=str(folder / "tutorial"))
    store = Chroma(client=client, collection_name="tutorial", embedding_function=embeddings)
    store.add_texts(chunks)
    return store


def tutorial_run(store: Any, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ask each question as it stands (the recipe has no conversation) and cite the 4 chunks."""
    results = []
    for item in questions:
        started = time.perf_counter()
        found = store.similarity_search(item["question"], k=4)
        answer = {
            "abstained": False,
            "citations": [{"text": doc.page_content} for doc in found],
            "latency_ms": (time.perf_counter() - started) * 1000,
        }
        results.append({"id": item["id"], **answer, **score(item, answer)})
    return results


def row(name: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    summary = dict(summary_rows(results))
    cited = [r["cited_chars"] for r in results if not r["abstained"]]
    return {
        "pipeline": name,
        **{metric: summary[metric] for metric in METRICS},
        "median cited chars": summary["median cited characters"],
        "mean cited chars": f"{statistics.mean(cited):.0f}" if cited else "n/a",
        "latency p50 / p95 (ms)": summary["latency p50 / p95 (ms)"],
    }


def measure(bot: Any, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    run(bot, questions)  # warm-up: model threads, Chroma pages, the answerer's sentence vectors
    return run(bot, questions)


def main() -> None:
    from bot.core import build
    from index.documents import bundled_document
    from index.embeddings import LocalEmbeddings

    embeddings = LocalEmbeddings()
    out: dict[str, Any] = {"machine": machine(), "sets": {}}
    with tempfile.TemporaryDirectory() as folder:
        bot = build(Settings(data_dir=Path(folder) / "citebot"), embeddings, answerer="extractive")
        baseline = tutorial(bundled_document().text, embeddings, Path(folder))
        for qa_file in [DEV_QA, *OWN_QA]:
            questions = load_questions(qa_file)
            tutorial_run(baseline, questions)  # warm-up
            rows = [row("LangChain tutorial (k=4)", tutorial_run(baseline, questions))]
            for name in variants(bot):
                rows.append(row(VARIANT_ROWS[name], measure(bot, questions)))
            out["sets"][qa_file.name] = {"questions": len(questions), "rows": rows}
            print(f"\n{qa_file.name} ({len(questions)} questions)\n")
            print(table(list(rows[0]), [list(r.values()) for r in rows]))
    save("quality", out)


if __name__ == "__main__":
    main()
