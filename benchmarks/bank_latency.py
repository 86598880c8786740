"""In-process `ask` latency over the question bank's index (seven documents), first and second pass.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bank_latency.py

The first pass meets each question's sentences and words for the first time (the answerer embeds them with
MiniLM and keeps them); the second asks the same questions again, as a long-running bot meets familiar text.
Uses the index `make train` caches under /tmp/citebot-conf/<clone> (built on first use).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_confidence import BANK, bank_documents, bot_over, jsonl  # noqa: E402


def main() -> None:
    from index.embeddings import LocalEmbeddings

    bot = bot_over("bank", bank_documents(), LocalEmbeddings())
    questions = [item["question"] for item in jsonl(BANK / "validation.jsonl")]
    bot.ask(questions[0])  # the process's warm-up: model, index, statistics
    for name in ("first pass", "second pass"):
        times = []
        for question in questions:
            started = time.perf_counter()
            bot.ask(question)
            times.append(1000 * (time.perf_counter() - started))
        p50, p95 = np.percentile(times, [50, 95])
        print(f"{name}: {len(times)} asks, p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
