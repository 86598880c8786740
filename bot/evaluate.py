"""`citebot eval`: answer a QA file and measure evidence recall, precision@1, abstention and latency."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from bot.conversation import Conversation
from bot.core import Citebot


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The dev_qa.jsonl format: id, question, answerable, evidence, keywords, optional history."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def flat(text: str) -> str:
    """Whitespace-insensitive form (the article has non-breaking spaces; QA files have plain ones)."""
    return " ".join(text.split())


def holds(span_text: str, evidence: list[str]) -> bool:
    return bool(evidence) and all(flat(item) in flat(span_text) for item in evidence)


def run(bot: Citebot, questions: list[dict[str, Any]], sources: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Ask each question (after its history, in one conversation) and score the answer."""
    results = []
    for item in questions:
        conversation = Conversation()
        for earlier in item.get("history", []):
            bot.ask(earlier, conversation, sources=sources)
        answer = bot.ask(item["question"], conversation, sources=sources)
        results.append({"id": item["id"], **answer.to_json(), **score(item, answer.to_json())})
    return results


def score(item: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """Per-question judgements; `summary_rows` averages them."""
    cited = [citation["text"] for citation in answer["citations"]]
    evidence = item.get("evidence", [])
    return {
        "answerable": item["answerable"],
        "evidence_found": all(any(flat(e) in flat(text) for text in cited) for e in evidence) and bool(cited),
        "first_holds": bool(cited) and holds(cited[0], evidence),
        "cited_chars": sum(len(text) for text in cited),
    }


def rate(results: list[dict[str, Any]], key: str) -> str:
    if not results:
        return "n/a"
    hits = sum(1 for result in results if result[key])
    return f"{100 * hits / len(results):.1f}% ({hits}/{len(results)})"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summary_rows(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    answerable = [r for r in results if r["answerable"]]
    unanswerable = [r for r in results if not r["answerable"]]
    cited = [r["cited_chars"] for r in results if not r["abstained"]]
    latencies = [r["latency_ms"] for r in results]
    return [
        ("questions", str(len(results))),
        ("evidence recall", rate(answerable, "evidence_found")),
        ("precision@1", rate(answerable, "first_holds")),
        ("abstention (unanswerable)", rate(unanswerable, "abstained")),
        ("false abstention (answerable)", rate(answerable, "abstained")),
        ("median cited characters", f"{statistics.median(cited):.0f}" if cited else "n/a"),
        ("latency p50 / p95 (ms)", f"{percentile(latencies, 0.5):.1f} / {percentile(latencies, 0.95):.1f}"),
    ]
