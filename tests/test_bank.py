"""The question bank in benchmarks/bank: spans point at their evidence, and the split is a fixed partition."""

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

BANK = Path(__file__).resolve().parents[1] / "benchmarks" / "bank"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BANK / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (BANK / name).read_text(encoding="utf-8").splitlines()]


def test_every_span_holds_its_evidence_in_the_stored_text() -> None:
    make_spans = load("make_spans")
    for row in rows("questions.jsonl"):
        text = make_spans.stored_text(row["doc"])
        assert [text[start:end] for start, end in row["spans"]] == row["evidence"], row["id"]


def test_evidence_found_twice_is_refused() -> None:
    make_spans = load("make_spans")
    with pytest.raises(make_spans.BankError, match="2 times"):
        make_spans.span_of("a b a", "a", "q1")


def test_committed_split_is_the_seeded_partition() -> None:
    tune, validation = load("split").split(rows("questions.jsonl"))
    assert tune == rows("tune.jsonl")
    assert validation == rows("validation.jsonl")
    assert {r["id"] for r in tune}.isdisjoint(r["id"] for r in validation)
