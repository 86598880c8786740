"""Benchmark 2: where a question's time goes, `citebot ask` from a cold process, and `citebot --help`.

In process: every question of the QA files, asked `--rounds` times after a warm-up, timed per stage
(query embedding, dense search, lexical search, fusion; answer composition is the rest of `ask`).

    .venv/bin/python benchmarks/latency.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEV_QA, OWN_QA, ROOT, machine, p50_p95, percentile, save, table  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.evaluation.evaluate import load_questions  # noqa: E402

STAGES = ["embed", "dense", "lexical", "fusion", "answer"]
CITEBOT = str(ROOT / ".venv" / "bin" / "citebot")


def stage_times(bot: Any, questions: list[str], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per stage and in total, one value per question asked."""
    times: dict[str, list[float]] = {stage: [] for stage in [*STAGES, "total", "total CPU"]}
    for question in questions:  # warm-up
        bot.ask(question)
    for _ in range(rounds):
        for question in questions:
            cpu = time.process_time()
            answer = bot.ask(question)
            times["total CPU"].append((time.process_time() - cpu) * 1000)
            for stage in STAGES[:-1]:
                times[stage].append(answer.timings_ms.get(stage, 0.0))
            times["answer"].append(answer.latency_ms - sum(answer.timings_ms.values()))
            times["total"].append(answer.latency_ms)
    return times


def tutorial_times(questions: list[str], embeddings: Any, folder: Path, rounds: int) -> list[float]:
    """The LangChain recipe's per-question time: embed the question, k=4 similarity search."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from quality import tutorial

    from index.documents import bundled_document

    store = tutorial(bundled_document().text, embeddings, folder)
    times = []
    for round_ in range(rounds + 1):
        for question in questions:
            started = time.perf_counter()
            store.similarity_search(question, k=4)
            if round_:
                times.append((time.perf_counter() - started) * 1000)
    return times


def wall(command: list[str], env: dict[str, str], runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of a fresh process, `runs` times; CPU time is steadier on a shared machine."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        elapsed = (time.perf_counter() - started) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
        times.append((elapsed, cpu))
    return times


def cold_starts(folder: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CITEBOT_", "DISCORD_"))}
    env |= {"CITEBOT_DATA_DIR": str(folder / "cold"), "HF_HUB_OFFLINE": "1"}
    first = wall([CITEBOT, "ask", "What is Baykar?"], env, 1)  # empty data dir: embeds the article
    return {
        "citebot --help": wall([CITEBOT, "--help"], env, runs),
        "citebot ask (first run, indexes the article)": first,
        "citebot ask (index on disk)": wall([CITEBOT, "ask", "What is Baykar?"], env, runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from bot.core import build
    from index.embeddings import LocalEmbeddings

    questions = [q["question"] for path in [DEV_QA, *OWN_QA] for q in load_questions(path)]
    embeddings = LocalEmbeddings()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        bot = build(Settings(data_dir=folder / "citebot"), embeddings, answerer="extractive")
        times = stage_times(bot, questions, args.rounds)
        baseline = tutorial_times(questions, embeddings, folder, args.rounds)
        processes = cold_starts(folder, runs=3)
    rows = [[stage, p50_p95(values)] for stage, values in times.items()]
    rows.append(["LangChain tutorial, whole question", p50_p95(baseline)])
    ratio = percentile(times["total"], 0.5) / percentile(baseline, 0.5)
    print(f"\nIn process, {len(times['total'])} questions asked (article index)\n")
    print(table(["stage", "p50 / p95 (ms)"], rows))
    print(f"\nlatency ratio citebot / tutorial (p50): {ratio:.2f}\n")
    rows = [
        [name, f"{statistics.median(w for w, _ in v):.0f}", f"{statistics.median(c for _, c in v):.0f}", len(v)]
        for name, v in processes.items()
    ]
    print(table(["command", "median wall (ms)", "median CPU (ms)", "runs"], rows))
    save(
        "latency",
        {
            "machine": machine(),
            "stages_ms": times,
            "tutorial_ms": baseline,
            "processes_ms": processes,
            "ratio_p50": ratio,
        },
    )


if __name__ == "__main__":
    main()
