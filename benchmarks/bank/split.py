"""Split questions.jsonl once into tune.jsonl and validation.jsonl halves, stratified by document and
answerability, with a fixed seed so the split is reproducible. Follow-ups stay in the file as rows; their
context is text, so a split never separates a question from something it needs.

    python benchmarks/bank/split.py
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

BANK = Path(__file__).resolve().parent
SEED = 13


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """Each (doc, answerable) group shuffled with one seeded generator; its first half (rounded down) tunes."""
    groups: dict[tuple[str, bool], list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["doc"], row["answerable"])].append(row)
    rng = random.Random(SEED)
    tune, validation = [], []
    for key in sorted(groups):
        group = sorted(groups[key], key=lambda row: row["id"])
        rng.shuffle(group)
        half = len(group) // 2
        tune += group[:half]
        validation += group[half:]
    return sorted(tune, key=lambda row: row["id"]), sorted(validation, key=lambda row: row["id"])


def write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def main() -> None:
    rows = [json.loads(line) for line in (BANK / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    tune, validation = split(rows)
    write(BANK / "tune.jsonl", tune)
    write(BANK / "validation.jsonl", validation)
    print(f"tune: {len(tune)}, validation: {len(validation)}")


if __name__ == "__main__":
    main()
