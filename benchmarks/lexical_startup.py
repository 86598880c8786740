"""The lexical index at 100k passages without embedding them: build, save, load (start-up) and query times.

Passages: the Python documentation (python3-doc) and the SciFact abstracts, cut by citebot's splitter.

    .venv/bin/python benchmarks/lexical_startup.py [--passages 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, machine, p50_p95, save, table  # noqa: E402

from index.lexical import LexicalIndex  # noqa: E402
from index.passages import Passage, make_passages  # noqa: E402

DOCS = Path("/usr/share/doc/python3.11/html/_sources")
QUERIES = [
    "How do I parse command line arguments?",
    "What is a generator expression?",
    "Does vitamin D reduce fracture risk?",
    "json dump indent sort keys",
]


def passages(limit: int) -> list[Passage]:
    found: list[Passage] = []
    texts = [(str(p), p.read_text(errors="replace")) for p in sorted(DOCS.rglob("*.rst.txt"))]
    for part in sorted((SHARED / "bench" / "scifact").glob("corpus.part*.jsonl")):
        for line in part.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            texts.append((entry["_id"], f"{entry['title']}\n\n{entry['text']}"))
    for copy in range(10):  # repeat under new names if the texts run out before the limit
        for source, text in texts:
            found += make_passages(f"{copy}:{source}", str(copy), text)
            if len(found) >= limit:
                return found[:limit]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=100_000)
    corpus = passages(parser.parse_args().passages)
    started = time.perf_counter()
    built = LexicalIndex(corpus)
    build_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        built.save(Path(folder) / "index")
        save_s = time.perf_counter() - started
        started = time.perf_counter()
        loaded = LexicalIndex.load(Path(folder) / "index")
        load_s = time.perf_counter() - started
        assert loaded is not None
        for query in QUERIES:  # warm-up
            loaded.search(query, 30)
        times = []
        for _ in range(10):
            for query in QUERIES:
                started = time.perf_counter()
                loaded.search(query, 30)
                times.append((time.perf_counter() - started) * 1000)
        disk = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 1e6
    result = {
        "passages": len(corpus),
        "build_s": build_s,
        "save_s": save_s,
        "load_s": load_s,
        "disk_mb": disk,
        "query_ms": times,
    }
    save("lexical-startup", {"machine": machine(), **result})
    print(
        table(
            ["passages", "build s", "save s", "load s (start-up)", "disk MB", "search p50 / p95 ms"],
            [[f"{len(corpus):,}", f"{build_s:.1f}", f"{save_s:.1f}", f"{load_s:.2f}", f"{disk:.0f}", p50_p95(times)]],
        )
    )


if __name__ == "__main__":
    main()
