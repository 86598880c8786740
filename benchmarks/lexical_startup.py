"""The lexical index at 100k passages without embedding them: build, save, load (start-up) and query times.

Passages: the Python and Node.js documentation (Debian's python3-doc and nodejs), cut by citebot's splitter.

    .venv/bin/python benchmarks/lexical_startup.py [--passages 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import distractors, machine, p50_p95, save, table  # noqa: E402

from index.passages import Passage, make_passages  # noqa: E402
from index.storage.lexical import LexicalIndex  # noqa: E402

QUERIES = [
    "How do I parse command line arguments?",
    "What is a generator expression?",
    "How do I read a file line by line with streams?",
    "json dump indent sort keys",
]


def passages(limit: int) -> list[Passage]:
    found: list[Passage] = []
    for document in distractors():
        found += make_passages(document.source, document.sha256, document.text)
        if len(found) >= limit:
            return found[:limit]
    sys.exit(f"the documentation holds only {len(found):,} passages")


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
