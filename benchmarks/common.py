"""Helpers shared by the benchmark scripts: machine facts, percentiles, tables, retrieval variants."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"  # the workplace's benchmark data, beside the clone; see shared_path()
DEV_QA = ROOT / "tests" / "data" / "dev_qa.jsonl"
OWN_QA = sorted((ROOT / "tests" / "qa").glob("*.jsonl"))
RESULTS = ROOT / "benchmarks" / "results"
SCRATCH = Path(tempfile.gettempdir()) / "citebot-bench"  # caches too big to commit (indexes, vectors)
PYTHON_DOCS = Path("/usr/share/doc/python3.11/html/_sources")
# Real English text every Debian machine can install: (folder, file pattern, package)
DISTRACTOR_DOCS = [
    (PYTHON_DOCS, "*.rst.txt", "python3-doc"),
    (Path("/usr/share/doc/nodejs/api"), "*.md", "nodejs"),
]

from bot.core import DEFAULT_KB  # noqa: E402
from bot.evaluation.evaluate import percentile  # noqa: E402
from bot.retrieve import Retriever, Scored, Timer  # noqa: E402


def shared_path(*parts: str) -> Path:
    """A file or folder under ../shared, or a clear exit when the clone has nothing beside it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        sys.exit(f"{path} is missing: this benchmark reads the workplace's shared/ folder beside the clone")
    return path


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import torch

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "torch_threads": torch.get_num_threads(),
        "os": platform.platform(),
        "commit": git_commit(),
    }


def distractors() -> list[Any]:
    """Every page of the Python and Node.js documentation as a Document, in path order (about 120k passages)."""
    from index.documents import Document

    documents = []
    for folder, pattern, package in DISTRACTOR_DOCS:
        if not folder.exists():
            sys.exit(f"{folder} is missing: apt-get install {package}")
        documents += [
            Document(str(path), path.name.split(".")[0], path.read_text(errors="replace"))
            for path in sorted(folder.rglob(pattern))
        ]
    return documents


def git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


def p50_p95(values: list[float]) -> str:
    return f"{percentile(values, 0.5):.1f} / {percentile(values, 0.95):.1f}"


def peak_rss_mb() -> float:
    """This process's peak resident memory."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def save(name: str, data: Any) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


class OneSided(Retriever):
    """citebot's retrieval with only one of its two rankings: "dense" or "lexical"."""

    def __init__(self, side: str, hybrid: Retriever) -> None:
        super().__init__(hybrid.store, hybrid.embeddings, hybrid.depth, hybrid.around, hybrid.whole)
        self.side = side

    def rankings(
        self, question: str, vector: list[float], sources: frozenset[str] | None, timings: dict[str, float]
    ) -> list[Scored]:
        """Only the one ranking this variant keeps."""
        with Timer(timings, self.side):
            if self.side == "dense":
                return [self.store.dense_search(vector, self.depth, sources)]
            return [self.store.lexical_search(question, self.depth, sources)]


def variants(bot: Any) -> Iterator[str]:
    """Switch the default knowledge base's retriever to hybrid, dense-only and BM25-only in turn, yielding
    each one's name, and restore the hybrid one after."""
    parts = bot.parts_of(DEFAULT_KB)
    hybrid = parts.retriever
    try:
        for name, retriever in [
            ("hybrid", hybrid),
            ("dense", OneSided("dense", hybrid)),
            ("bm25", OneSided("lexical", hybrid)),
        ]:
            parts.retriever = retriever
            yield name
    finally:
        parts.retriever = hybrid
