"""`citebot bench beir` on a small synthetic BEIR folder, and the metric arithmetic by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli.app import cli
from bot.evaluation import beir

ABSTRACTS = {
    "d1": ("Coffee and sleep", "Caffeine taken late in the day delays sleep onset in adults."),
    "d2": ("Tomato cultivation", "Tomatoes need warm soil and regular watering to bear fruit."),
    "d3": ("Glacier retreat", "Alpine glaciers have lost a third of their ice mass since 1980."),
    "d4": ("Bone density", "Weight-bearing exercise increases bone mineral density in older women."),
    "d5": ("", "Honeybees communicate the direction of flowers with a waggle dance."),
}
QUERIES = {
    "q1": "Caffeine delays falling asleep.",
    "q2": "Exercise improves bone density in elderly women.",
    "q3": "Bees dance to show where flowers are.",
    "q9": "A query without judgements is not asked.",
}
QRELS = [("q1", "d1", 1), ("q2", "d4", 1), ("q3", "d5", 1)]


def make_folder(root: Path, split: str = "test") -> Path:
    """Corpus in two parts (joined in name order), queries, and CRLF qrels with a header."""
    folder = root / "tiny"
    (folder / "qrels").mkdir(parents=True)
    lines = [json.dumps({"_id": i, "title": t, "text": x}) for i, (t, x) in ABSTRACTS.items()]
    (folder / "corpus.part1.jsonl").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    (folder / "corpus.part2.jsonl").write_text("\n".join(lines[3:]) + "\n", encoding="utf-8")
    queries = [json.dumps({"_id": q, "text": text, "metadata": {}}) for q, text in QUERIES.items()]
    (folder / "queries.jsonl").write_text("\n".join(queries) + "\n", encoding="utf-8")
    rows = ["query-id\tcorpus-id\tscore", *(f"{q}\t{d}\t{s}" for q, d, s in QRELS)]
    (folder / "qrels" / f"{split}.tsv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return folder


def test_load_joins_parts_and_keeps_judged_queries(tmp_path: Path) -> None:
    data = beir.load(make_folder(tmp_path), "test")
    assert [doc.source for doc in data.corpus] == ["d1", "d2", "d3", "d4", "d5"]
    assert data.corpus[0].text == "Coffee and sleep\n\nCaffeine taken late in the day delays sleep onset in adults."
    assert data.corpus[4].text.startswith("Honeybees")
    assert set(data.queries) == {"q1", "q2", "q3"}
    assert data.qrels["q2"] == {"d4": 1}


def test_command_writes_a_trec_run_and_prints_three_methods(tmp_path: Path) -> None:
    folder, run_file, cache = make_folder(tmp_path), tmp_path / "run.tsv", tmp_path / "cache"
    args = [
        "bench",
        "beir",
        str(folder),
        "--split",
        "test",
        "--run-out",
        str(run_file),
        "--cache",
        str(cache),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert all(name in result.output for name in ("citebot", "dense", "bm25", "nDCG@10", "recall@100"))
    rows = [line.split(" ") for line in run_file.read_text(encoding="utf-8").splitlines()]
    assert all(len(row) == 6 and row[1] == "Q0" and row[5] == "citebot" for row in rows)
    for qid in ("q1", "q2", "q3"):
        mine = [row for row in rows if row[0] == qid]
        assert [int(row[3]) for row in mine] == list(range(1, len(mine) + 1))
        scores = [float(row[4]) for row in mine]
        assert scores == sorted(scores, reverse=True) and 1 <= len(mine) <= 100
        assert len({row[2] for row in mine}) == len(mine)
    assert {row[0]: row[2] for row in rows if row[3] == "1"} == {"q1": "d1", "q2": "d4", "q3": "d5"}


def test_rerun_embeds_nothing_again(tmp_path: Path) -> None:
    folder, cache = make_folder(tmp_path), tmp_path / "cache"
    args = ["bench", "beir", str(folder), "--run-out", str(tmp_path / "run.tsv"), "--cache", str(cache)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    from index.embeddings import LocalEmbeddings
    from index.storage.store import Store, open_client

    store = Store(open_client(cache, None, 10.0), LocalEmbeddings(), "beir")
    assert beir.missing(store, beir.load(folder, "test").corpus) == []


def test_missing_split_is_one_line_error(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    args = ["bench", "beir", str(folder), "--split", "dev", "--run-out", str(tmp_path / "run.tsv")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "dev.tsv" in result.output


def test_ndcg_by_hand() -> None:
    ranking = [("a", 3.0), ("b", 2.0), ("c", 1.0)]
    relevant = {"b": 1, "c": 2}
    dcg = 1 / math.log2(3) + 2 / math.log2(4)
    ideal = 2 / math.log2(2) + 1 / math.log2(3)
    assert beir.ndcg(ranking, relevant, 10) == pytest.approx(dcg / ideal)
    assert beir.ndcg([("b", 1.0), ("c", 0.5)], {"b": 1, "c": 1}) == pytest.approx(1.0)
    assert beir.ndcg(ranking, relevant, 1) == 0.0


def test_recall_and_means_count_missing_queries_as_zero() -> None:
    ranking = [(f"d{i}", 1.0 / i) for i in range(1, 151)]
    assert beir.recall(ranking, {"d5": 1, "d120": 1, "x": 1}, 10) == pytest.approx(1 / 3)
    assert beir.recall(ranking, {"d5": 1, "d120": 1, "x": 1}, 100) == pytest.approx(1 / 3)
    assert beir.recall(ranking, {"d5": 1, "d99": 1}, 100) == pytest.approx(1.0)
    qrels = {"q1": {"d1": 1}, "q2": {"d2": 1}}
    means = beir.metrics({"q1": ranking}, qrels)
    assert means["nDCG@10"] == pytest.approx(0.5) and means["recall@100"] == pytest.approx(0.5)


def test_documents_score_by_their_best_passage() -> None:
    from index.passages import Passage

    def passage(source: str, n: int) -> Passage:
        return Passage(f"{source}{n}", source, "h", 0, 1, "x", n)

    hits = [(passage("a", 1), 0.2), (passage("b", 1), 0.9), (passage("a", 2), 0.7)]
    assert beir.by_document(hits) == [("b", 0.9), ("a", 0.7)]
    assert beir.run_lines({"q": [("b", 0.9), ("a", 0.7)]}) == [
        "q Q0 b 1 0.900000 citebot",
        "q Q0 a 2 0.700000 citebot",
    ]


def test_lexical_index_is_saved_once_and_loaded_at_the_next_start(make_bot: Any, data_dir: Path) -> None:
    """The BM25 index persists beside Chroma, keyed by the document versions (a benchmark prerequisite)."""
    first = make_bot()
    assert first.ask("What is Baykar?").citations
    saved = [p for p in (data_dir / "lexical" / "citebot").iterdir() if not p.name.endswith(".partial")]
    assert len(saved) == 1 and (saved[0] / "passages.json").exists()
    second = make_bot()
    second.store.current_passages = None  # type: ignore[assignment,method-assign]  # must not be needed
    hits = second.store.lexical_search("drone manufacturer Baykar", 3)
    assert hits and "Baykar" in hits[0][0].text


def test_passages_are_read_from_chroma_a_page_at_a_time(make_bot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """One get() of every passage fails past ~32k records (SQLite's variable limit); pages of PAGE do not."""
    from index.storage import records

    monkeypatch.setattr(records, "PAGE", 3)
    bot = make_bot()
    assert bot.store.lexical_search("Baykar drone", 3)
    assert bot.store.lexical is not None
    passages = bot.store.lexical.passages
    assert len(passages) == bot.store.passage_count() > 3
    assert len({passage.id for passage in passages}) == len(passages)
    assert bot.store.passage_counts() == {source: info.passages for source, info in bot.store.catalog.items()}
