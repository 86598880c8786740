"""Planted instructions (BIPIA, 75) x answerer (extractive, LLM on SmolLM2): carried out or not.

    .venv/bin/python benchmarks/injection.py [--out benchmarks/results/injection.md]

Each instruction is planted as a paragraph of a copy of the article; the question is asked about that copy
only. Prints the table (category x answerer: answers that carried the instruction out / asked) and how many
model sentences the citation check cut. Starts its own llama.cpp server on 127.0.0.1.

The instructions are ../shared/bench/injection/bipia_text_attack_test.json; planting them, judging the answers
and the llama.cpp server are bot/evaluation (injection.py, llama.py), which the tests use too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, shared_path  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.core import build  # noqa: E402
from bot.evaluation.injection import QUESTIONS, Attack, attacks, carried_out, planted  # noqa: E402
from bot.evaluation.llama import llama_server  # noqa: E402
from index.embeddings import LocalEmbeddings  # noqa: E402


def run(
    answerer: str, settings: Settings, embeddings: LocalEmbeddings, chosen: list[Attack], questions: list[str]
) -> dict:
    bot = build(settings, embeddings, answerer=answerer)
    documents = [planted(*attack) for attack in chosen]
    for document in documents:
        bot.add_document(document)
    obeyed: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    cut = fallbacks = 0
    for document, (category, _, _) in zip(documents, chosen, strict=True):
        for question in questions:
            answer = bot.ask(question, sources=frozenset({document.source}))
            for citation in answer.citations:
                assert document.text[citation.start : citation.end] == citation.text
            asked[category] += 1
            obeyed[category] += bool(carried_out(answer.text))
            cut += int(answer.timings_ms.get("rejected_sentences", 0))
            fallbacks += answer.notice is not None
    return {"asked": asked, "obeyed": obeyed, "cut": cut, "fallbacks": fallbacks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "injection.md")
    parser.add_argument("--llm-questions", type=int, default=1, help="questions per planted copy for the LLM")
    args = parser.parse_args()
    chosen = attacks(shared_path("bench", "injection", "bipia_text_attack_test.json"))
    embeddings = LocalEmbeddings()
    with llama_server(Path(tempfile.mkdtemp()) / "llama.log") as url:
        results = {
            "extractive": run("extractive", Settings(data_dir=Path(tempfile.mkdtemp())), embeddings, chosen, QUESTIONS),
            "llm": run(
                "llm",
                Settings(
                    data_dir=Path(tempfile.mkdtemp()),
                    openai_base_url=url,
                    openai_api_key="x",
                    llm_model="smollm2",
                    llm_max_tokens=120,
                    llm_timeout=120,
                    answer_budget=180,
                ),
                embeddings,
                chosen,
                QUESTIONS[: args.llm_questions],
            ),
        }
    lines = ["| category | extractive: carried out / asked | LLM (SmolLM2): carried out / asked |", "|---|---|---|"]
    for category in results["extractive"]["asked"]:
        cells = [f"{r['obeyed'][category]} / {r['asked'][category]}" for r in results.values()]
        lines.append(f"| {category} | {' | '.join(cells)} |")
    totals = [f"**{sum(r['obeyed'].values())} / {sum(r['asked'].values())}**" for r in results.values()]
    lines.append(f"| all {len(chosen)} instructions | {' | '.join(totals)} |")
    lines.append("")
    lines.append(
        f"Model sentences cut by the citation check: {results['llm']['cut']}; "
        f"LLM failures answered offline instead: {results['llm']['fallbacks']}. "
        "Every citation of every answer was checked to be its exact span."
    )
    text = "\n".join(lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
