"""`citebot bench beir`: rank a BEIR data set's documents with citebot's own retrieval and score the run.

A BEIR folder holds `corpus.jsonl` (or `corpus.part*.jsonl`, joined in name order), `queries.jsonl` and
`qrels/SPLIT.tsv`. Each corpus entry becomes one Document (title, blank line, text), indexed through the
Store like any other file; a document scores by its best passage. Metrics follow BEIR (pytrec_eval):
nDCG@k with graded gains and log2 discounts, recall@k over the judged relevant documents.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from bot.retrieve import fuse
from index.documents import Document
from index.errors import DocumentError
from index.passages import Passage, make_passages
from index.storage.store import Store

RUN_DEPTH = 100  # documents per query in the run file
PASSAGE_DEPTH = 400  # passages per method: enough to leave >= 100 distinct documents
INDEX_BATCH = 512  # passages embedded and written per round trip
Ranking = list[tuple[str, float]]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Benchmark:
    corpus: list[Document]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def corpus_files(folder: Path) -> list[Path]:
    """`corpus.jsonl`, else the `corpus.part*.jsonl` pieces in name order."""
    whole = folder / "corpus.jsonl"
    files = [whole] if whole.exists() else sorted(folder.glob("corpus.part*.jsonl"))
    if not files:
        msg = f"{folder} has no corpus.jsonl or corpus.part*.jsonl"
        raise DocumentError(msg)
    return files


def read_jsonl(paths: Iterable[Path]) -> list[dict[str, object]]:
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line]


def corpus_document(entry: dict[str, object]) -> Document:
    """Title and text as one document, its source the corpus id (which the run file names)."""
    title, text = str(entry.get("title") or "").strip(), str(entry.get("text") or "").strip()
    body = f"{title}\n\n{text}" if title and text else title or text or "\u2205"
    return Document(source=str(entry["_id"]), title=title or str(entry["_id"]), text=body, added_at=0.0)


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """`query-id TAB corpus-id TAB score` with a header line; CRLF tolerated."""
    if not path.exists():
        msg = f"No relevance judgements at {path}"
        raise DocumentError(msg)
    qrels: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.strip().split("\t")
        if len(fields) == 3:
            qrels.setdefault(fields[0], {})[fields[1]] = int(fields[2])
    return qrels


def load(folder: Path, split: str) -> Benchmark:
    """The corpus, the split's queries (those with judgements) and its judgements."""
    qrels = read_qrels(folder / "qrels" / f"{split}.tsv")
    queries = {str(q["_id"]): str(q["text"]) for q in read_jsonl([folder / "queries.jsonl"]) if str(q["_id"]) in qrels}
    corpus = [corpus_document(entry) for entry in read_jsonl(corpus_files(folder))]
    return Benchmark(corpus, queries, qrels)


def missing(store: Store, corpus: list[Document]) -> list[Document]:
    """Documents not yet indexed in this version: a rerun embeds nothing."""
    return [doc for doc in corpus if (info := store.catalog.get(doc.source)) is None or info.sha256 != doc.sha256]


def index_corpus(store: Store, corpus: list[Document], progress: Progress | None = None) -> int:
    """Embed and write many small documents in large batches (one Store.add per abstract is slow)."""
    todo = missing(store, corpus)
    batch: list[tuple[Document, list[Passage]]] = []
    for document in todo:
        batch.append((document, make_passages(document.source, document.sha256, document.text)))
        if sum(len(passages) for _, passages in batch) >= INDEX_BATCH:
            write_batch(store, batch, progress)
            batch = []
    write_batch(store, batch, progress)
    return len(todo)


def write_batch(store: Store, batch: list[tuple[Document, list[Passage]]], progress: Progress | None) -> None:
    """Passages first, then each document's record: the record stays the commit point."""
    if not batch:
        return
    store.write_passages([passage for _, passages in batch for passage in passages])
    for document, passages in batch:
        store.write_record(document, len(passages))
    if progress:
        progress(sum(len(passages) for _, passages in batch))


def pending(store: Store, corpus: list[Document]) -> int:
    """How many passages `index_corpus` will embed (the progress bar's total)."""
    return sum(len(make_passages(doc.source, doc.sha256, doc.text)) for doc in missing(store, corpus))


def by_document(hits: Iterable[tuple[Passage, float]], depth: int = RUN_DEPTH) -> Ranking:
    """A document scores by its best passage; best documents first."""
    best: dict[str, float] = {}
    for passage, score in hits:
        best[passage.source] = max(score, best.get(passage.source, -math.inf))
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:depth]


def rank_all(store: Store, queries: dict[str, str], vectors: list[list[float]]) -> dict[str, dict[str, Ranking]]:
    """For each method (citebot, dense, bm25): query id -> the ranked documents."""
    runs: dict[str, dict[str, Ranking]] = {"citebot": {}, "dense": {}, "bm25": {}}
    for (qid, text), vector in zip(queries.items(), vectors, strict=True):
        dense = store.dense_search(vector, PASSAGE_DEPTH)
        lexical = store.lexical_search(text, PASSAGE_DEPTH)
        fused = fuse([dense, lexical], 2 * PASSAGE_DEPTH)
        runs["citebot"][qid] = by_document((hit.passage, hit.score) for hit in fused)
        runs["dense"][qid] = by_document(dense)
        runs["bm25"][qid] = by_document(lexical)
    return runs


def rank(store: Store, queries: dict[str, str], embeddings: Embeddings) -> dict[str, dict[str, Ranking]]:
    """Embed every query in one batch, then rank documents with each method."""
    vectors = embeddings.embed_documents(list(queries.values())) if queries else []
    return rank_all(store, queries, vectors)


def ndcg(ranking: Ranking, relevant: dict[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain at k, graded gains, log2(rank + 1) discount."""
    gain = sum(relevant.get(doc, 0) / math.log2(rank + 1) for rank, (doc, _) in enumerate(ranking[:k], start=1))
    ideal = sorted((g for g in relevant.values() if g > 0), reverse=True)[:k]
    best = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, start=1))
    return gain / best if best else 0.0


def recall(ranking: Ranking, relevant: dict[str, int], k: int) -> float:
    """Share of the relevant documents found in the first k."""
    wanted = {doc for doc, grade in relevant.items() if grade > 0}
    found = {doc for doc, _ in ranking[:k]}
    return len(wanted & found) / len(wanted) if wanted else 0.0


def metrics(run: dict[str, Ranking], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """Means over the judged queries (a query missing from the run counts as zero)."""
    judged = [qid for qid, rels in qrels.items() if any(g > 0 for g in rels.values())]
    mean = lambda values: sum(values) / len(judged) if judged else 0.0  # noqa: E731
    return {
        "nDCG@10": mean([ndcg(run.get(q, []), qrels[q], 10) for q in judged]),
        "recall@10": mean([recall(run.get(q, []), qrels[q], 10) for q in judged]),
        "recall@100": mean([recall(run.get(q, []), qrels[q], 100) for q in judged]),
    }


def run_lines(run: dict[str, Ranking], tag: str = "citebot") -> list[str]:
    """TREC format: `qid Q0 docid rank score tag`, rank from 1."""
    return [
        f"{qid} Q0 {doc} {rank} {score:.6f} {tag}"
        for qid, ranking in run.items()
        for rank, (doc, score) in enumerate(ranking, start=1)
    ]


def write_run(path: Path, run: dict[str, Ranking], tag: str = "citebot") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in run_lines(run, tag)), encoding="utf-8")
