"""One large document beside the article: does `ask` stay as fast as with many small documents?

Issue 11 measured 13-19 s per `ask` after adding one 19 MB text file, because the answerer re-read and re-split
the whole document of each candidate sentence. This builds one document of `--mb` megabytes from the Node.js
API docs (Debian's nodejs package), indexes it with the article into a fresh folder, and times the QA questions.

    .venv/bin/python benchmarks/large_document.py [--mb 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEV_QA, OWN_QA, machine, p50_p95, save  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.core import build  # noqa: E402
from bot.evaluation.evaluate import load_questions  # noqa: E402
from index.documents import Document  # noqa: E402

NODE_DOCS = Path("/usr/share/doc/nodejs/api")


def large_text(megabytes: float) -> str:
    """The Node.js API docs, one after another (again from the start if needed), cut at `megabytes`."""
    pages = [path.read_text(encoding="utf-8") for path in sorted(NODE_DOCS.glob("*.md"))]
    if not pages:
        sys.exit(f"{NODE_DOCS} has no .md files: install Debian's nodejs package (its API docs)")
    wanted, text = int(megabytes * 1_000_000), ""
    while len(text) < wanted:
        text += "\n\n".join(pages) + "\n\n"
    return text[:wanted]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bot = build(Settings(data_dir=Path(tempfile.mkdtemp(prefix="citebot-large-"))))
    document = Document(source="node-api-all.md", title="Node.js API", text=large_text(args.mb))
    started = time.perf_counter()
    added = bot.add_document(document)
    indexing = time.perf_counter() - started
    questions = [q["question"] for path in [DEV_QA, *OWN_QA] for q in load_questions(path)]
    first = [bot.ask(q).latency_ms for q in questions[:1]]
    times = [bot.ask(q).latency_ms for _ in range(args.rounds) for q in questions]
    figures = {
        "document_mb": args.mb,
        "passages": added.passages,
        "indexing_s": round(indexing, 1),
        "first_ask_ms": round(first[0], 1),
        "ask_ms_p50_p95": p50_p95(times),
        "questions": len(times),
        "machine": machine(),
    }
    print(f"{args.mb} MB, {added.passages:,} passages, indexed in {indexing:.0f} s")
    print(f"first ask {first[0]:.0f} ms; ask p50/p95 {p50_p95(times)} ms over {len(times)} questions")
    save("large_document", figures)


if __name__ == "__main__":
    main()
