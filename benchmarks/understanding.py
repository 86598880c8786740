"""Understanding the question: the new extractive answerer, the previous one and the LangChain tutorial, side by side.

- new: the current code (ranking by similarity + coverage, a trained logistic model deciding whether the top
  sentence answers), run through `citebot eval --answerer extractive`.
- previous: the hand-set coverage gate, commit 8dee612, checked out with `git worktree add /tmp/prev 8dee612`
  and run through its own `citebot eval` (PYTHONPATH=/tmp/prev); it cannot score `spans`, so its results file
  is scored here with the current bot.evaluation.evaluate.score, after `relocated` moves its citations into
  the current stored texts.
- tutorial: RecursiveCharacterTextSplitter(1000, 200), Chroma k=4, never abstains; its citation is its first chunk.

Sets: the question bank (validation and tune) over one index of the six bank documents (five files and the
bundled article), the SQuAD 2.0 Normans article (its document alone), tests/data/dev_qa.jsonl and
tests/qa/article_qa.jsonl (over the bank index). A bank follow-up's "context" question is asked first, in the
same conversation (the tutorial has no conversation: it gets the question as it stands). Indexes are cached
under /tmp/citebot-bench/understanding, one folder per pipeline and commit.

    git worktree add /tmp/prev 8dee612     # once
    CITEBOT_SHARED=../shared PYTHONPATH=$PWD .venv/bin/python benchmarks/understanding.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEV_QA, ROOT, SCRATCH, SHARED, machine, percentile, save, table  # noqa: E402

from bot.evaluation.evaluate import load_questions, score  # noqa: E402

PREVIOUS = "8dee612"
PREV_ROOT = Path("/tmp/prev")
BANK = ROOT / "benchmarks" / "bank"
BANK_DOCS = sorted(p for p in (BANK / "docs").iterdir() if not p.name.endswith(".stored.txt"))
CITEBOT = Path(sys.executable).with_name("citebot")
WORK = SCRATCH / "understanding"
# ../shared beside the clone, or CITEBOT_SHARED (a git worktree has no shared/ beside it)
SQUAD_DEV = Path(os.environ.get("CITEBOT_SHARED", SHARED)) / "bench" / "squad2" / "dev"
PIPELINES = ["new (trained model)", "previous (coverage gate)", "LangChain tutorial (k=4)"]
METRICS = ["evidence recall", "precision@1", "abstention", "false abstention", "accuracy", "latency p50 (ms)"]


def sets() -> list[dict[str, Any]]:
    """Each question set: its file, the index it is asked of, and the document bare `spans` point into."""
    return [
        {"name": "bank validation", "file": BANK / "validation.jsonl", "index": "bank", "split": "validation"},
        {"name": "Normans (SQuAD 2.0 dev)", "file": SQUAD_DEV / "normans_qa.jsonl", "index": "normans",
         "split": "validation", "doc": "normans.txt"},
        {"name": "bank tune", "file": BANK / "tune.jsonl", "index": "bank", "split": "tune"},
        {"name": "dev_qa.jsonl", "file": DEV_QA, "index": "bank", "split": "development"},
        {"name": "article_qa.jsonl", "file": ROOT / "tests" / "qa" / "article_qa.jsonl", "index": "bank",
         "split": "development"},
    ]  # fmt: skip


def index_files(index: str) -> list[Path]:
    """The files an index holds (the bank index also gets the bundled article, as every fresh default KB)."""
    return BANK_DOCS if index == "bank" else [SQUAD_DEV / "normans.txt"]


def code_commit() -> str:
    """The last commit that changed the product code: the cached indexes' key."""
    done = subprocess.run(["git", "log", "-1", "--format=%h", "--", "bot", "index"], cwd=ROOT, capture_output=True)
    return done.stdout.decode().strip()


def with_history(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bank's "context" becomes the `history` that `citebot eval` asks first in the same conversation."""
    return [{**q, "history": [q["context"]]} if "context" in q else q for q in questions]


def citebot(code: Path, data: Path, *args: str) -> None:
    """Run one `citebot` command of the code at `code` on the data folder `data`."""
    env = {**os.environ, "PYTHONPATH": str(code), "CITEBOT_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    subprocess.run([str(CITEBOT), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def cli_run(code: Path, label: str, case: dict[str, Any], questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answer a set with one version's `citebot eval` and return its raw answers."""
    folder = WORK / f"{label}-{case['index']}"
    files = [str(path) for path in index_files(case["index"])]
    folder.mkdir(parents=True, exist_ok=True)
    if case["index"] == "bank" and not (folder / "indexed").exists():
        citebot(code, folder, "index", "add", *files)
        (folder / "indexed").touch()
    qa, out = folder / f"{case['file'].stem}.qa.jsonl", folder / f"{case['file'].stem}.out.jsonl"
    qa.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    scope = [arg for path in files for arg in ("--source", path)] if case["index"] != "bank" else []
    citebot(code, folder, "eval", str(qa), "--out", str(out), "--answerer", "extractive", *scope)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]


def documents(index: str) -> list[Any]:
    """The documents of an index as the current loader stores them (the texts the bank's spans point into)."""
    from index.documents import bundled_document
    from index.sources import load_file

    return [load_file(path) for path in index_files(index)] + ([bundled_document()] if index == "bank" else [])


def tutorial_store(index: str, embeddings: Any) -> Any:
    """The tutorial's Chroma index over the same stored texts, chunks keeping their offsets."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    client = chromadb.PersistentClient(path=str(WORK / f"tutorial-{index}"))
    store = Chroma(client=client, collection_name="tutorial", embedding_function=embeddings)
    if store.get(limit=1)["ids"]:
        return store
    stored = documents(index)
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
    chunks = splitter.create_documents([d.text for d in stored], [{"source": Path(d.source).name} for d in stored])
    for start in range(0, len(chunks), 500):
        store.add_documents(chunks[start : start + 500])
    return store


def relocated(raw: list[dict[str, Any]], texts: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    """The previous version's loader stored the HTML and PDF texts differently (other line breaks, heading
    anchors), so its offsets do not point into the texts the spans were made on: move each citation to where its
    words stand in the current stored text, whitespace aside (the match nearest its old start). Also returns how
    many citations could not be found there; they keep their old offsets and count as wrong."""
    lost = 0
    for result in raw:
        for citation in result.get("citations", []):
            text, old = texts.get(Path(citation["source"]).name, ""), citation["start"]
            words = r"\s+".join(re.escape(word) for word in citation["text"].split())
            found = list(re.finditer(words, text)) if words else []
            if not found:
                lost += 1
                continue
            nearest = min(found, key=lambda match: abs(match.start() - old))
            citation["start"], citation["end"] = nearest.start(), nearest.end()
    return raw, lost


def tutorial_run(store: Any, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ask each question as it stands; the first of the 4 chunks is the citation, all 4 make recall@4."""
    import time

    results = []
    for item in questions:
        started = time.perf_counter()
        found = store.similarity_search(item["question"], k=4)
        latency = (time.perf_counter() - started) * 1000
        chunks = [
            {"source": d.metadata["source"], "start": d.metadata["start_index"],
             "end": d.metadata["start_index"] + len(d.page_content), "text": d.page_content}
            for d in found
        ]  # fmt: skip
        answer = {"abstained": False, "citations": chunks[:1], "latency_ms": latency, "chunks": chunks}
        results.append({"id": item["id"], **answer})
    return results


def scored(case: dict[str, Any], questions: list[dict[str, Any]], raw: list[dict[str, Any]]) -> dict[str, Any]:
    """The metrics of one pipeline on one set, every answer judged by the current evaluate.score."""
    answers = {r["id"]: r for r in raw}
    judged = [(q, answers[q["id"]], score(q, answers[q["id"]], case.get("doc"))) for q in questions]
    answerable = [(a, s) for q, a, s in judged if q["answerable"]]
    unanswerable = [a for q, a, s in judged if not q["answerable"]]

    def share(hits: int, total: int) -> float | None:
        return round(100 * hits / total, 1) if total else None

    right = sum(s["first_holds"] for _, s in answerable) + sum(a["abstained"] for a in unanswerable)
    row: dict[str, Any] = {
        "questions": len(questions),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "evidence recall": share(sum(s["evidence_found"] for _, s in answerable), len(answerable)),
        "precision@1": share(sum(s["first_holds"] for _, s in answerable), len(answerable)),
        "abstention": share(sum(a["abstained"] for a in unanswerable), len(unanswerable)),
        "false abstention": share(sum(a["abstained"] for a, _ in answerable), len(answerable)),
        "accuracy": share(right, len(questions)),
        "latency p50 (ms)": round(percentile([a["latency_ms"] for _, a, _ in judged], 0.5), 1),
    }
    if judged and "chunks" in judged[0][1]:
        found = sum(score(q, {**a, "citations": a["chunks"]}, case.get("doc"))["evidence_found"] for q, a, _ in
                    judged if q["answerable"])  # fmt: skip
        row["recall@4 chunks"] = share(found, len(answerable))
    return row


def main() -> None:
    from index.embeddings import LocalEmbeddings

    if not SQUAD_DEV.exists():
        sys.exit(f"{SQUAD_DEV} is missing: set CITEBOT_SHARED to the workplace's shared/ folder")
    if not (PREV_ROOT / "bot").exists():
        sys.exit(f"{PREV_ROOT} is missing: git worktree add {PREV_ROOT} {PREVIOUS}")
    embeddings = LocalEmbeddings()
    stores = {name: tutorial_store(name, embeddings) for name in ("bank", "normans")}
    texts = {name: {Path(d.source).name: d.text for d in documents(name)} for name in ("bank", "normans")}
    out: dict[str, Any] = {"machine": machine(), "load": os.getloadavg(), "previous": PREVIOUS, "sets": {}}
    for case in sets():
        questions = with_history(load_questions(case["file"]))
        previous, lost = relocated(cli_run(PREV_ROOT, f"prev-{PREVIOUS}", case, questions), texts[case["index"]])
        rows = {
            PIPELINES[0]: scored(case, questions, cli_run(ROOT, f"new-{code_commit()}", case, questions)),
            PIPELINES[1]: scored(case, questions, previous),
            PIPELINES[2]: scored(case, questions, tutorial_run(stores[case["index"]], questions)),
        }
        out["sets"][case["name"]] = {
            "split": case["split"], "file": case["file"].name, "rows": rows, "previous citations not found": lost
        }  # fmt: skip
        print(f"\n{case['name']} ({case['split']}, {len(questions)} questions)\n", flush=True)
        print(table(["pipeline", *METRICS], [[name, *(fmt(row[m]) for m in METRICS)] for name, row in rows.items()]))
        save("understanding", out)
    print("\nAll sets side by side (accuracy / recall / abstention / false abstention)\n")
    print(side_by_side(out["sets"]))


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def side_by_side(results: dict[str, Any]) -> str:
    """One line per pipeline, one column per set: accuracy, recall, abstention, false abstention."""
    names = list(results)
    keys = ["accuracy", "evidence recall", "abstention", "false abstention"]
    lines = [
        [pipeline, *(" / ".join(fmt(results[s]["rows"][pipeline][k]) for k in keys) for s in names)]
        for pipeline in PIPELINES
    ]
    return table(["pipeline", *names], lines)


if __name__ == "__main__":
    main()
