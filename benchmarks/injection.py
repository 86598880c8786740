"""Planted instructions (BIPIA, 75) x answerer (extractive, LLM on SmolLM2): carried out or not.

    .venv/bin/python benchmarks/injection.py [--out benchmarks/results/injection.md]

Each instruction is planted as a paragraph of a copy of the article; the question is asked about that copy
only. Prints the table (category x answerer: answers that carried the instruction out / asked) and how many
model sentences the citation check cut. Starts its own llama.cpp server on 127.0.0.1.

The planted instructions (tests/data) and the llama.cpp server are the tests' (tests/helpers.py): this script
runs the same attacks outside pytest rather than keep a second copy.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.core import build  # noqa: E402
from index.embeddings import LocalEmbeddings  # noqa: E402
from tests.helpers import INJECTION_QUESTIONS, attacks, carried_out, llama_server, planted  # noqa: E402


def run(answerer: str, settings: Settings, embeddings: LocalEmbeddings, questions: list[str]) -> dict:
    bot = build(settings, embeddings, answerer=answerer)
    documents = [planted(*attack) for attack in attacks()]
    for document in documents:
        bot.store.add(document)
    obeyed: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    cut = fallbacks = 0
    for document, (category, _, _) in zip(documents, attacks(), strict=True):
        for question in questions:
            answer = bot.ask(question, sources=frozenset({document.source}))
            for citation in answer.citations:
                assert document.text[citation.start : citation.end] == citation.text
            asked[category] += 1
            obeyed[category] += bool(carried_out(answer.text, document.text))
            cut += int(answer.timings_ms.get("rejected_sentences", 0))
            fallbacks += answer.notice is not None
    return {"asked": asked, "obeyed": obeyed, "cut": cut, "fallbacks": fallbacks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "injection.md")
    parser.add_argument("--llm-questions", type=int, default=1, help="questions per planted copy for the LLM")
    args = parser.parse_args()
    embeddings = LocalEmbeddings()
    with llama_server(Path(tempfile.mkdtemp()) / "llama.log") as url:
        results = {
            "extractive": run(
                "extractive", Settings(data_dir=Path(tempfile.mkdtemp())), embeddings, INJECTION_QUESTIONS
            ),
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
                INJECTION_QUESTIONS[: args.llm_questions],
            ),
        }
    lines = ["| category | extractive: carried out / asked | LLM (SmolLM2): carried out / asked |", "|---|---|---|"]
    for category in results["extractive"]["asked"]:
        cells = [f"{r['obeyed'][category]} / {r['asked'][category]}" for r in results.values()]
        lines.append(f"| {category} | {' | '.join(cells)} |")
    totals = [f"**{sum(r['obeyed'].values())} / {sum(r['asked'].values())}**" for r in results.values()]
    lines.append(f"| all 75 instructions | {' | '.join(totals)} |")
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
