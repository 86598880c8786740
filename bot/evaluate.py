"""`citebot eval`: answer a QA file and measure accuracy, evidence recall, precision@1, abstention and latency.

Two kinds of line: `evidence` (texts the first citation must contain) or, as in SQuAD-style files, `spans`
(gold answers as [start, end) offsets into the document named by `doc`, or into the only document answered
from). A citation is right when it lies in that document and its span holds the evidence or one gold span.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path, PurePath
from typing import Any

from bot.conversation import Conversation
from bot.core import Citebot
from index.errors import QuestionError


def load_questions(path: Path) -> list[dict[str, Any]]:
    """One question a line: id, question, answerable, and evidence (dev_qa.jsonl, with keywords and an optional
    history) or spans with an optional doc (SQuAD-style)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def flat(text: str) -> str:
    """Whitespace-insensitive form (the article has non-breaking spaces; QA files have plain ones)."""
    return " ".join(text.split())


def holds(span_text: str, evidence: list[str]) -> bool:
    return bool(evidence) and all(flat(item) in flat(span_text) for item in evidence)


def run(bot: Citebot, questions: list[dict[str, Any]], sources: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Ask each question (after its history, in one conversation) and score the answer."""
    default_doc = only_document(bot, questions, sources)
    results = []
    for item in questions:
        conversation = Conversation()
        for earlier in item.get("history", []):
            bot.ask(earlier, conversation, sources=sources)
        answer = bot.ask(item["question"], conversation, sources=sources)
        results.append({"id": item["id"], **answer.to_json(), **score(item, answer.to_json(), default_doc)})
    return results


def only_document(bot: Citebot, questions: list[dict[str, Any]], sources: frozenset[str] | None) -> str | None:
    """The document that `spans` without a `doc` point into: the only one answered from."""
    if not any("spans" in item and "doc" not in item for item in questions):
        return None
    scope = sources or frozenset(info.source for info in bot.store.documents())
    if len(scope) != 1:
        msg = f'QA lines with "spans" but no "doc" need one document to answer from, not {len(scope)}: use --source'
        raise QuestionError(msg)
    return next(iter(scope))


def score(item: dict[str, Any], answer: dict[str, Any], default_doc: str | None = None) -> dict[str, Any]:
    """Per-question judgements; `summary_rows` averages them."""
    citations = [] if answer["abstained"] else answer["citations"]
    if "spans" in item:
        doc = item.get("doc", default_doc)
        right = [in_spans(citation, item["spans"], doc) for citation in citations]
    else:
        right = [holds(citation["text"], item.get("evidence", [])) for citation in citations]
    return {
        "answerable": item["answerable"],
        "evidence_found": any(right) if "spans" in item else evidence_found(item, citations),
        "first_holds": bool(right) and right[0],
        "cited_chars": sum(len(citation["text"]) for citation in citations),
    }


def evidence_found(item: dict[str, Any], citations: list[dict[str, Any]]) -> bool:
    """Every evidence text is in some citation."""
    cited = [citation["text"] for citation in citations]
    return bool(cited) and all(any(flat(e) in flat(text) for text in cited) for e in item.get("evidence", []))


def in_spans(citation: dict[str, Any], spans: list[list[int]], doc: str | None) -> bool:
    """The citation is from `doc` (matched by file name) and its [start, end) contains one gold span."""
    same = doc is not None and PurePath(str(citation["source"])).name == PurePath(doc).name
    return same and any(citation["start"] <= start and end <= citation["end"] for start, end in spans)


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
    right = [r for r in answerable if r["first_holds"]] + [r for r in unanswerable if r["abstained"]]
    return [
        ("questions", str(len(results))),
        ("accuracy", f"{100 * len(right) / len(results):.1f}% ({len(right)}/{len(results)})" if results else "n/a"),
        ("evidence recall", rate(answerable, "evidence_found")),
        ("precision@1", rate(answerable, "first_holds")),
        ("abstention (unanswerable)", rate(unanswerable, "abstained")),
        ("false abstention (answerable)", rate(answerable, "abstained")),
        ("median cited characters", f"{statistics.median(cited):.0f}" if cited else "n/a"),
        ("latency p50 / p95 (ms)", f"{percentile(latencies, 0.5):.1f} / {percentile(latencies, 0.95):.1f}"),
    ]
