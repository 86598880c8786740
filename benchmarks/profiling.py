"""Benchmark 5: where the time goes, by pyinstrument: one warm query, one cold query, and one ingestion.

    .venv/bin/python benchmarks/profiling.py

Writes benchmarks/results/profile-{query,query-cold,ingest}.txt (call trees) and prints the top frames.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON_DOCS, RESULTS  # noqa: E402

from bot.config import Settings  # noqa: E402

QUESTION = "How did Baykar respond to the Lithuanian crowdfunding campaign?"
INGEST = ["library/argparse.rst.txt", "library/json.rst.txt", "tutorial/classes.rst.txt"]


def profiled(name: str, action: object) -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    action()  # type: ignore[operator]
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"profile-{name}.txt").write_text(text, encoding="utf-8")
    return text


def main() -> None:
    from bot.core import build
    from index.documents import Document
    from index.embeddings import LocalEmbeddings

    embeddings = LocalEmbeddings()
    with tempfile.TemporaryDirectory() as folder:
        bot = build(Settings(data_dir=Path(folder)), embeddings, answerer="extractive")
        print(profiled("query-cold", lambda: bot.ask(QUESTION)))
        bot.ask("What is Baykar?")
        print(profiled("query", lambda: bot.ask(QUESTION)))
        documents = [Document(name, name, (PYTHON_DOCS / name).read_text()) for name in INGEST]
        print(profiled("ingest", lambda: [bot.add_document(document) for document in documents]))


if __name__ == "__main__":
    main()
