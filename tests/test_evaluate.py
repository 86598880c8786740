"""`citebot eval` on SQuAD-style lines: a citation is right when it lies in the named document around a gold span."""

from __future__ import annotations

from pathlib import Path

from bot.core import Citebot
from bot.evaluate import load_questions, run, score, summary_rows

SQUAD_STYLE = Path(__file__).parent / "data" / "squad_style_qa.jsonl"


def answer(*citations: tuple[str, int, int]) -> dict:
    cited = [
        {"source": source, "start": start, "end": end, "text": "x" * (end - start)} for source, start, end in citations
    ]
    return {"abstained": not cited, "citations": cited}


def test_a_span_is_right_only_inside_a_citation_of_its_document() -> None:
    item = {"answerable": True, "spans": [[10, 20], [12, 18]], "doc": "normans.txt"}
    assert score(item, answer(("/tmp/normans.txt", 0, 19)))["first_holds"]  # holds [12, 18)
    assert not score(item, answer(("/tmp/normans.txt", 15, 40)))["first_holds"]  # cuts both spans
    assert not score(item, answer(("/tmp/other.txt", 0, 40)))["first_holds"]  # another document
    second = score(item, answer(("/tmp/normans.txt", 30, 40), ("/tmp/normans.txt", 5, 25)))
    assert not second["first_holds"] and second["evidence_found"]


def test_squad_style_file_scores_accuracy(bot: Citebot) -> None:
    results = run(bot, load_questions(SQUAD_STYLE))
    by_id = {r["id"]: r for r in results}
    assert by_id["sq-1"]["first_holds"] and by_id["sq-2"]["first_holds"]
    assert not by_id["sq-3"]["first_holds"]  # the right words, but the line names another document
    assert by_id["sq-4"]["abstained"]
    assert dict(summary_rows(results))["accuracy"] == "75.0% (3/4)"
