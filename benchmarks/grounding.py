"""Grounding benchmark: does the citation check keep faithful replies and reject subtly wrong ones?

    .venv/bin/python benchmarks/grounding.py [--split tune|validation|holdout|all] [--show]

Reads benchmarks/grounding/{documents,tune,validation}.jsonl and the held-out split (holdout_documents.jsonl,
holdout.jsonl), built by benchmarks/grounding/build.py from real text, and runs each reply through
`bot.llm.grounding.check` with the passages it was given. A faithful reply is kept when no sentence is dropped;
an unfaithful one is rejected when a sentence is dropped. Prints the rates per split and per kind of reply
(hand-written faithful kinds; negation/number/entity/role changes).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "benchmarks" / "grounding"
# wording and wording_validation: replies that put a synonym or an opposite for one word (the validation ones
# written before the opposites check was run on them); holdout: never looked at while changing the check
SPLITS = ["tune", "wording", "validation", "wording_validation", "holdout"]

from bot.llm.grounding import check  # noqa: E402
from index.documents import Document  # noqa: E402
from index.passages import make_passages  # noqa: E402


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def correct(item: dict, documents: dict[str, Document]) -> bool:
    """Whether the check does the right thing: keep every sentence of a faithful reply, drop a wrong one."""
    document = documents[item["doc"]]
    passages = make_passages(document.source, document.sha256, document.text)
    given = [passages[i] for i in item["passage_ids"]]
    checked = check(item["reply"], given, documents.__getitem__)
    if item["label"] == "faithful":
        return checked.rejected_sentences == 0 and checked.kept_sentences > 0
    return checked.rejected_sentences > 0


def report(split: str, items: list[dict], documents: dict[str, Document], show: bool) -> None:
    by_kind: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for item in items:
        ok = correct(item, documents)
        by_kind[(item["label"], item["type"])].append(ok)
        by_kind[(item["label"], "all")].append(ok)
        if show and not ok:
            print(f"  WRONG {item['label']:10} {item['type']:10} {item['reply']}")
    print(f"{split}:")
    for (label, kind), results in sorted(by_kind.items()):
        verb = "kept" if label == "faithful" else "rejected"
        share = sum(results) / len(results)
        print(f"  {label:10} {kind:11} {verb:8} {sum(results):3}/{len(results):<3} {share:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--show", action="store_true", help="print the replies the check got wrong")
    args = parser.parse_args()
    rows = load("documents.jsonl") + load("holdout_documents.jsonl")
    documents = {row["doc"]: Document(row["doc"], row["doc"], row["text"]) for row in rows}
    for split in SPLITS if args.split == "all" else [args.split]:
        report(split, load(f"{split}.jsonl"), documents, args.show)


if __name__ == "__main__":
    main()
