"""`make train`: fit the confidence model on the tune questions, choose its threshold on validation.

Tune: the 10 SQuAD 2.0 training articles (../shared/bench/squad2/train, each article searched alone) and
benchmarks/bank/tune.jsonl (every bank document and the bundled article in one index, so the other
documents are distractors). Validation: the SQuAD Normans article (../shared/bench/squad2/dev) and
benchmarks/bank/validation.jsonl. A candidate sentence is positive when its [start, end) contains a gold span.
Writes bot/confidence.json and prints the figures, measured by asking the real bot, and its own run time.
Indexes and feature matrices are cached under /tmp/citebot-train (delete it to start afresh).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCRATCH = Path("/tmp/citebot-train")
SQUAD_EVERY = 3  # every third SQuAD training question (all unanswerable ones): a 2-core machine, minutes not hours
BANK = ROOT / "benchmarks" / "bank"
CODE = ["bot/answer.py", "bot/features.py", "bot/question.py", "bot/speakers.py", "bot/retrieve.py"]

from bot.confidence import WEIGHTS, Model, fit  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.core import Citebot, build  # noqa: E402
from bot.evaluate import run, summary_rows  # noqa: E402
from index.documents import Document, load_file  # noqa: E402


def squad_folder() -> Path:
    """../shared/bench/squad2 beside the clone (or beside its worktree folder), or a clear exit."""
    for parent in ROOT.parents[:2]:
        if (folder := parent / "shared" / "bench" / "squad2").exists():
            return folder
    sys.exit(f"shared/bench/squad2 is missing beside {ROOT}: training reads the workplace's SQuAD 2.0 articles")


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bot_over(name: str, documents: list[Document], embeddings: Any) -> Citebot:
    """A bot whose index, cached under /tmp, holds these documents (and the bundled article)."""
    bot = build(Settings(data_dir=SCRATCH / f"index-{name}"), embeddings, answerer="extractive")
    for document in documents:
        bot.store.add(document)
    return bot


def squad(split: str) -> list[tuple[Document, list[dict[str, Any]]]]:
    folder = squad_folder() / split
    return [
        (Document(text_path.name, text_path.stem, text_path.read_text(encoding="utf-8")), jsonl(qa))
        for qa in sorted(folder.glob("*_qa.jsonl"))
        for text_path in [qa.with_name(qa.name.removesuffix("_qa.jsonl") + ".txt")]
    ]


def bank_documents() -> list[Document]:
    return [load_file(path) for path in sorted((BANK / "docs").iterdir()) if not path.name.endswith(".stored.txt")]


def source_of(bot: Citebot, doc: str) -> str:
    return next(info.source for info in bot.store.catalog.values() if info.source.rsplit("/", 1)[-1] == doc)


def features_of(bot: Citebot, item: dict[str, Any], source: str, scoped: bool) -> tuple[np.ndarray, np.ndarray]:
    """The feature rows of every candidate for one question, and which hold a gold span."""
    conversation = Conversation()
    if item.get("context"):
        bot.ask(item["context"], conversation)
    answerer = bot.answerer
    question = answerer.rewrite(item["question"], conversation)
    retrieval = bot.retriever.search(question, sources=frozenset({source}) if scoped else None)
    candidates, rows = answerer.judge(question, retrieval)  # type: ignore[attr-defined]
    labels = [
        c.passage.source == source and any(c.start <= s and e <= c.end for s, e in item.get("spans", []))
        for c in candidates
    ]
    return rows, np.asarray(labels, dtype=np.float64)


def cached(name: str, compute: Any) -> list[tuple[np.ndarray, np.ndarray, bool]]:
    """Per question (rows, labels, answerable), computed once per version of the code that makes them."""
    digest = hashlib.sha256(b"".join((ROOT / path).read_bytes() for path in CODE)).hexdigest()[:12]
    path = SCRATCH / f"{name}-{digest}.npz"
    if path.exists():
        data = np.load(path, allow_pickle=True)
        return list(data["groups"])
    groups = compute()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    np.savez(path, groups=np.asarray(groups, dtype=object))
    return groups


def collect(bot: Citebot, questions: list[tuple[dict[str, Any], str]], scoped: bool) -> list[Any]:
    groups = []
    for n, (item, source) in enumerate(questions, start=1):
        groups.append((*features_of(bot, item, source, scoped), item["answerable"]))
        if n % 250 == 0:
            print(f"  {n}/{len(questions)} questions", flush=True)
    return groups


def accuracy(groups: list[Any], model: Model, threshold: float) -> float:
    """Share of questions decided right: the best sentence holds the answer, or an unanswerable one abstained."""
    right = 0
    for rows, labels, answerable in groups:
        p = model.probabilities(rows)
        best = int(np.argmax(p)) if len(p) else -1
        answered = best >= 0 and p[best] >= threshold
        right += (answered and answerable and labels[best] > 0) or (not answered and not answerable)
    return right / max(1, len(groups))


def choose_threshold(model: Model, sets: list[list[Any]]) -> float:
    """The threshold with the best mean accuracy over the validation sets."""
    grid = np.round(np.arange(0.05, 0.95, 0.01), 2)
    return float(max(grid, key=lambda t: (np.mean([accuracy(g, model, t) for g in sets]), -abs(t - 0.5))))


def report(title: str, bot: Citebot, questions: list[dict[str, Any]], sources: frozenset[str] | None) -> None:
    results = run(bot, questions, sources)
    right = sum(r["first_holds"] if r["answerable"] else r["abstained"] for r in results)
    print(f"\n{title}")
    for key, value in [*summary_rows(results), ("accuracy", f"{100 * right / len(results):.1f}%")]:
        print(f"  {key:32} {value}")


def main() -> None:
    from index.embeddings import LocalEmbeddings

    started = time.perf_counter()
    embeddings = LocalEmbeddings()
    train_squad, dev_squad = squad("train"), squad("dev")
    squad_bot = bot_over("squad", [doc for doc, _ in train_squad + dev_squad], embeddings)
    bank_bot = bot_over("bank", bank_documents(), embeddings)

    def squad_questions(split: list[Any]) -> list[tuple[dict[str, Any], str]]:
        return [
            (item, doc.source)
            for doc, items in split
            for n, item in enumerate(items)
            if split is dev_squad or n % SQUAD_EVERY == 0 or not item["answerable"]
        ]

    def bank_questions(name: str) -> list[tuple[dict[str, Any], str]]:
        return [(item, source_of(bank_bot, item["doc"])) for item in jsonl(BANK / name)]

    tune = cached("tune-squad", lambda: collect(squad_bot, squad_questions(train_squad), True))
    tune += cached("tune-bank", lambda: collect(bank_bot, bank_questions("tune.jsonl"), False))
    validation = [
        cached("validation-normans", lambda: collect(squad_bot, squad_questions(dev_squad), True)),
        cached("validation-bank", lambda: collect(bank_bot, bank_questions("validation.jsonl"), False)),
    ]
    rows = np.vstack([g[0] for g in tune if len(g[0])])
    labels = np.concatenate([g[1] for g in tune if len(g[0])])
    model = fit(rows, labels)
    threshold = choose_threshold(model, validation)
    final = Model(model.mean, model.scale, model.coef, model.bias, threshold)
    WEIGHTS.write_text(json.dumps(final.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"{len(tune)} tune questions, {len(rows)} candidates; threshold {threshold:.2f} (chosen on validation)")
    print(
        f"decision accuracy, tune: {accuracy(tune, final, threshold):.3f}; validation Normans, bank: "
        + ", ".join(f"{accuracy(g, final, threshold):.3f}" for g in validation)
    )
    for bot in (squad_bot, bank_bot):  # the bots loaded the old weights: ask with the new ones
        bot.answerer.model, bot.answerer.threshold = final, threshold  # type: ignore[attr-defined]
    normans = frozenset({doc.source for doc, _ in dev_squad})
    report("validation: SQuAD Normans", squad_bot, [i for _, items in dev_squad for i in items], normans)
    report("validation: bank", bank_bot, with_history(jsonl(BANK / "validation.jsonl")), None)
    report("tune: bank", bank_bot, with_history(jsonl(BANK / "tune.jsonl")), None)
    print(f"\ntrained in {time.perf_counter() - started:.0f} s; {WEIGHTS.name} {WEIGHTS.stat().st_size} bytes")


def with_history(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bank's follow-ups asked after their previous question, as `citebot eval` does with history."""
    return [{**item, "history": [item["context"]]} if item.get("context") else item for item in items]


if __name__ == "__main__":
    main()
