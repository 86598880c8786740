"""Fill in the `spans` of questions.jsonl from its `evidence`, so the offsets are reproducible.

Each evidence string must occur exactly once in the text citebot stores for the question's document;
otherwise this fails loudly and the evidence must be made longer (or fixed). Also checks the rest of
each row's shape. `--stored` first rewrites docs/NAME.stored.txt for HTML and PDF documents with
citebot's own loader, so the stored text is the one citebot indexes.

    PYTHONPATH=. python benchmarks/bank/make_spans.py [--stored]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BANK = Path(__file__).resolve().parent
DOCS = BANK / "docs"
QUESTIONS = BANK / "questions.jsonl"
# the bundled article is referenced where citebot ships it, not copied
BUNDLED = BANK.parents[1] / "index" / "corpus"
CONVERTED_SUFFIXES = (".html", ".pdf")
ANSWERABLE_KINDS = frozenset(
    {"plain", "lowercase", "typo", "synonym", "role_noun", "followup", "two_part", "paraphrase", "speaker", "slang"}
)
KINDS = ANSWERABLE_KINDS | {"near_miss", "off_topic"}


class BankError(Exception):
    """A question whose evidence or shape is wrong."""


def stored_path(doc: str) -> Path:
    """Where the text citebot stores for `doc` is kept: NAME.stored.txt for converted formats."""
    if doc.endswith(CONVERTED_SUFFIXES):
        return DOCS / f"{doc}.stored.txt"
    return DOCS / doc if (DOCS / doc).exists() else BUNDLED / doc


def stored_text(doc: str) -> str:
    # bytes, not read_text, so that no newline translation moves the offsets
    return stored_path(doc).read_bytes().decode("utf-8")


def write_stored() -> None:
    """Convert each HTML and PDF document with citebot's loader and save the text it stores."""
    from index.documents import load_file

    for path in sorted(DOCS.iterdir()):
        if path.suffix in CONVERTED_SUFFIXES:
            stored_path(path.name).write_bytes(load_file(path).text.encode("utf-8"))


def span_of(text: str, evidence: str, qid: str, after: str = "") -> list[int]:
    """The offsets of `evidence`, which must occur exactly once; or, when a document repeats the sentence in
    several sections, its first occurrence after `after` (the section's unique opening words)."""
    begin = span_of(text, after, qid)[1] if after else 0
    count = text.count(evidence, begin)
    if count != 1 and not (after and count):
        msg = f"{qid}: evidence found {count} times, not once: {evidence!r}"
        raise BankError(msg)
    start = text.index(evidence, begin)
    return [start, start + len(evidence)]


def check_shape(row: dict) -> None:
    qid = row["id"]
    if row["kind"] not in KINDS:
        raise BankError(f"{qid}: unknown kind {row['kind']!r}")
    if row["answerable"] != bool(row["evidence"]):
        raise BankError(f"{qid}: answerable questions need evidence, unanswerable ones none")
    if row["kind"] == "two_part" and len(row["evidence"]) < 2:
        raise BankError(f"{qid}: a two-part question needs two evidence strings")
    if row["kind"] == "followup" and not row.get("context"):
        raise BankError(f"{qid}: a follow-up needs its previous question as context")


def with_spans(rows: list[dict]) -> list[dict]:
    """The rows with their spans, or a BankError listing every bad row (so one run shows them all)."""
    texts: dict[str, str] = {}
    ids = [row["id"] for row in rows]
    problems = [f"duplicate id {qid}" for qid in sorted(set(ids)) if ids.count(qid) > 1]
    for row in rows:
        try:
            check_shape(row)
            text = texts.setdefault(row["doc"], stored_text(row["doc"]))
            row["spans"] = [span_of(text, evidence, row["id"], row.get("after", "")) for evidence in row["evidence"]]
        except BankError as error:
            problems.append(str(error))
    if problems:
        raise BankError("\n".join(problems))
    return rows


def main() -> None:
    if "--stored" in sys.argv:
        write_stored()
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        rows = with_spans(rows)
    except BankError as error:
        sys.exit(f"make_spans: {error}")
    QUESTIONS.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} questions, spans written to {QUESTIONS}")


if __name__ == "__main__":
    main()
