"""`make train`: fit the confidence model on the tune questions, choose its threshold on validation.

The answerer ranks sentences by similarity and coverage; one model ranks the shortlisted first ones again, another
decides whether the first then answers. The ranking model learns from every shortlisted sentence of each question
(of its first part, for a two-part question): its features, labelled 1 when the sentence holds a gold span (for the
bank, also when it holds the start of a span whose evidence runs into the next sentence), 0 when it does not or the
question is unanswerable. The deciding model learns from the sentence the ranking model puts first.

Tune: all SQuAD 2.0 training questions (../shared/bench/squad2/train, each article searched alone) and
benchmarks/bank/tune.jsonl (every bank document in one index, so the others are distractors). In each,
unanswerable questions weigh as much, in all, as answerable ones, and the bank weighs 4 times as much as SQuAD.
Validation: the SQuAD Normans article (../shared/bench/squad2/dev) and benchmarks/bank/validation.jsonl;
the threshold maximises their mean decision accuracy, smoothed over +-0.02. Writes bot/confidence.json.
Indexes and features are cached under /tmp/citebot-conf/<clone>.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# One folder per clone: the bank's documents are stored under their absolute paths, so another clone's (or
# worktree's) copies in a shared index would be distractors identical to the gold documents, their sentences
# counted wrong (this happened: 4 copies of each bank document, until this stop).
SCRATCH = Path("/tmp/citebot-conf") / hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
BANK = ROOT / "benchmarks" / "bank"
ANSWERING = ("candidates", "extractive", "features", "question", "speakers", "spelling", "vectors")
CODE = [f"bot/answering/{name}.py" for name in ANSWERING]
CODE += ["bot/answering/conversation.py", "bot/retrieve.py", "index/passages.py", "index/storage/context.py"]
CODE += ["index/storage/lexical.py", "index/storage/vector_memory.py", "index/documents.py", "index/reflow.py"]

from bot.answering.confidence import WEIGHTS, Confidence, Model, fit, from_json  # noqa: E402
from bot.answering.conversation import Conversation  # noqa: E402
from bot.answering.features import FEATURES  # noqa: E402
from bot.answering.question import unframed  # noqa: E402
from bot.answering.spelling import mended  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core import Citebot, build, clean_question  # noqa: E402
from index.documents import Document, bundled_document  # noqa: E402
from index.errors import SettingsError  # noqa: E402
from index.sources import load_file  # noqa: E402

# per shortlisted sentence: its features, its label, whether its question is answerable, its question's number
Examples = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
# SQuAD train's and the bank tune questions' shares of the fit. `--shares 1:1 1:2 1:3 1:4 1:6 1:8` (5-fold held-out
# accuracy, SQuAD/bank): 60.0/46.0, 59.0/46.0, 59.1/47.6, 59.3/47.6, 59.3/47.1, 59.5/47.6%: nearly flat; at 1:1 the
# model trained on today's clean index answers too few of tests/qa/article_qa.jsonl (recall 78.9%)
TUNE_SHARES = [1.0, 4.0]
OVERRULES = [0.0, 0.02, 0.05, 0.1, 0.2, 1.0]  # 1.0: the ranking model never overrules the score
NOISE = 0.01  # validation accuracies this close to the best are a tie (one standard error on 400 questions is 2.5)


def squad_folder() -> Path:
    """../shared/bench/squad2 beside the clone (or beside its worktree folder), or a clear exit."""
    for parent in ROOT.parents[:3]:
        if (folder := parent / "shared" / "bench" / "squad2").exists():
            return folder
    sys.exit(f"shared/bench/squad2 is missing beside {ROOT}: training reads the workplace's SQuAD 2.0 articles")


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def bot_over(name: str, documents: list[Document], embeddings: Any) -> Citebot:
    """A bot whose index, cached under /tmp, holds these documents and no others."""
    bot = build(Settings(data_dir=SCRATCH / f"index-{name}"), embeddings, answerer="extractive")
    wanted = {document.source for document in documents}
    for info in bot.documents():
        if info.source not in wanted:
            bot.remove_document(info.source)
    for document in documents:
        bot.add_document(document)  # a no-op for a document already stored as it is
    return bot


def squad(split: str) -> list[tuple[Document, list[dict[str, Any]]]]:
    folder = squad_folder() / split
    return [
        (Document(text_path.name, text_path.stem, text_path.read_text(encoding="utf-8")), jsonl(qa))
        for qa in sorted(folder.glob("*_qa.jsonl"))
        for text_path in [qa.with_name(qa.name.removesuffix("_qa.jsonl") + ".txt")]
    ]


def bank_documents() -> list[Document]:
    """The bank's five files and the bundled article (some bank questions are about it)."""
    files = sorted(path for path in (BANK / "docs").iterdir() if not path.name.endswith(".stored.txt"))
    return [load_file(path) for path in files] + [bundled_document()]


def source_of(bot: Citebot, doc: str) -> str:
    return next(info.source for info in bot.documents() if info.source.rsplit("/", 1)[-1] == doc)


def shortlisted(bot: Citebot, item: dict[str, Any], source: str, scoped: bool, starts: bool) -> tuple[Any, list[bool]]:
    """The answerer's decision on the question (of its first part, for a two-part one), and whether each of its
    shortlisted sentences holds a gold span (or, when `starts`, the start of one)."""
    conversation = Conversation()
    if item.get("context"):
        bot.ask(item["context"], conversation)
    answerer = bot.answerer
    asked = unframed(clean_question(item["question"], bot.settings.max_question_chars))
    question = answerer.rewrite(asked, conversation)
    question = mended(question, bot.store.lexical_index().frequency)  # as Citebot.answered reads it
    retrieval = bot.retriever.search(question, sources=frozenset({source}) if scoped else None)
    decision = answerer.decisions(question, retrieval)[0]  # type: ignore[attr-defined]
    spans = item.get("spans", []) if item["answerable"] else []
    labels = [
        c.passage.source == source and any(c.start <= s and (e <= c.end or (starts and s < c.end)) for s, e in spans)
        for c in decision.ranked[: len(decision.rows)]
    ]
    return decision, labels


def example(
    bot: Citebot, item: dict[str, Any], source: str, scoped: bool, starts: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The features of the question's shortlisted sentences, and their labels (see `shortlisted`); a question
    with no sentence gets one row of zeros, labelled wrong."""
    decision, labels = shortlisted(bot, item, source, scoped, starts)
    if not decision.ranked:
        return np.zeros((1, len(FEATURES))), np.zeros(1)
    order = np.argsort(decision.rows[:, FEATURES.index("position")])  # the ranking score's order, as `order` wants
    return decision.rows[order], np.asarray(labels, dtype=np.float64)[order]


def cached(name: str, questions: list[tuple[dict[str, Any], str]], compute: Callable[..., Any]) -> Examples:
    """The examples of these questions, computed once per version of the code and bank that make them (a loader's
    change moves the bank's spans)."""
    inputs = [ROOT / path for path in CODE] + sorted(BANK.glob("docs/*")) + sorted(BANK.glob("*.jsonl"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in inputs)).hexdigest()[:12]
    path = SCRATCH / f"{name}-{digest}.npz"
    if not path.exists():
        found = []
        for n, (item, source) in enumerate(questions, start=1):
            found.append(compute(item, source))
            if n % 500 == 0:
                print(f"  {name}: {n}/{len(questions)}", flush=True)
        counts = [len(labels) for _, labels in found]
        answerable = np.repeat([item["answerable"] for item, _ in questions], counts)
        group = np.repeat(np.arange(len(found)), counts)
        rows, labels = np.concatenate([r for r, _ in found]), np.concatenate([lab for _, lab in found])
        SCRATCH.mkdir(parents=True, exist_ok=True)
        np.savez(path, rows=rows, labels=labels, answerable=answerable, group=group)
    data = np.load(path)
    return data["rows"], data["labels"], data["answerable"], data["group"]


def bounds(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each question's examples start and end (a question's examples are consecutive)."""
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    return starts, np.r_[starts[1:], len(group)]


def firsts(examples: Examples, models: Confidence) -> Examples:
    """Each question's example that the models put first, as the answerer orders them."""
    rows = examples[0]
    starts, ends = bounds(examples[3])
    best = np.asarray([start + models.order(rows[start:end])[0] for start, end in zip(starts, ends, strict=True)])
    return examples[0][best], examples[1][best], examples[2][best], examples[3][best]


def fitted(sets: list[Examples], shares: list[float], overrule: float) -> Confidence:
    """The ranking model, fitted on every shortlisted sentence, and the deciding one, on those put first."""
    rows, labels, *_ = (np.concatenate(parts) for parts in zip(*sets, strict=True))
    rank = fit(rows, labels, balanced(sets, shares))
    first = [firsts(examples, Confidence(rank, rank, overrule)) for examples in sets]
    rows, labels, *_ = (np.concatenate(parts) for parts in zip(*first, strict=True))
    return Confidence(rank, fit(rows, labels, balanced(first, shares)), overrule)


def figures(examples: Examples, models: Confidence, threshold: float) -> dict[str, float]:
    """Decision figures: P@1 (the top sentence is right), abstention, false abstention, accuracy."""
    return decided(firsts(examples, models), models.decide, threshold)


def decided(first: Examples, decide: Model, threshold: float) -> dict[str, float]:
    """The figures of deciding on each question's first sentence at this threshold."""
    rows, labels, answerable, _ = first
    answered, top_right = decide.probabilities(rows) >= threshold, labels > 0
    right = (answered & answerable & top_right) | (~answered & ~answerable)

    def mean(values: np.ndarray) -> float:
        return float(np.mean(values)) if len(values) else 0.0  # a cross-validation fold may lack a kind

    return {
        "p@1": mean(top_right[answerable]),
        "answered right": mean(answered[answerable] & top_right[answerable]),
        "abstention": mean(~answered[~answerable]),
        "false abstention": mean(~answered[answerable]),
        "accuracy": mean(right),
    }


def choose_threshold(models: Confidence, sets: list[Examples], tie_break: list[Examples] | None = None) -> float:
    """The threshold with the best mean accuracy over the sets, averaged over a window of +-0.02 (the sets are
    small, so a lone peak is noise). Among thresholds within NOISE of the best,
    the one best on `tie_break` (the tune sets: validation alone is flat over a wide range, 0.25 to 0.39 in the
    fourth stop's training), else the one nearest 0.5."""
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)

    def smoothed(examples: list[Examples]) -> np.ndarray:
        first = [firsts(s, models) for s in examples]
        accuracy = np.asarray([np.mean([decided(f, models.decide, t)["accuracy"] for f in first]) for t in grid])
        return np.convolve(np.pad(accuracy, 2, mode="edge"), np.ones(5) / 5, mode="valid")

    chosen = smoothed(sets)
    near = chosen >= chosen.max() - NOISE
    preference = smoothed(tie_break) if tie_break else -np.abs(grid - 0.5)
    return float(grid[np.argmax(np.where(near, preference, -np.inf))])


def balanced(sets: list[Examples], shares: list[float]) -> np.ndarray:
    """Sample weights that give each set its share of the total weight, within each, unanswerable questions as
    much weight, in all, as answerable ones (SQuAD train has few; Normans is half unanswerable), and within each
    question, each shortlisted sentence the same share."""
    weights = []
    for (_, _, answerable, group), share in zip(sets, shares, strict=True):
        starts, ends = bounds(group)
        sizes, asked = ends - starts, answerable[starts]
        per_question = np.where(asked, 0.5 / asked.mean(), 0.5 / (1 - asked.mean())) * share / len(asked)
        weights.append(np.repeat(per_question / sizes, sizes))
    return np.concatenate(weights)


def cross_validated(sets: list[Examples], shares: list[float], overrule: float, folds: int = 5) -> list[float]:
    """Each tune set's decision accuracy on held-out folds (contiguous blocks, so that a SQuAD article's questions
    stay together), with the model fitted, and its threshold chosen, on the other folds."""
    blocks = [np.array_split(np.unique(group), folds) for *_, group in sets]
    right = np.zeros(len(sets))
    for k in range(folds):
        others = [np.concatenate([*b[:k], *b[k + 1 :]]) for b in blocks]
        kept = [subset(examples, questions) for examples, questions in zip(sets, others, strict=True)]
        models = fitted(kept, shares, overrule)
        threshold = choose_threshold(models, kept)
        for n, (examples, b) in enumerate(zip(sets, blocks, strict=True)):
            right[n] += figures(subset(examples, b[k]), models, threshold)["accuracy"] * len(b[k])
    return [float(r) / len(np.unique(examples[3])) for r, examples in zip(right, sets, strict=True)]


def chosen_overrule(tune: list[Examples]) -> float:
    """The margin by which the ranking model must prefer another sentence to the ranking score's first: the one
    with the best 5-fold held-out accuracy on the tune sets (the smallest of a tie)."""
    accuracy = {}
    for overrule in OVERRULES:
        accuracy[overrule] = float(np.mean(cross_validated(tune, TUNE_SHARES, overrule)))
        print(f"  overrule {overrule:.2f}: 5-fold held-out tune accuracy {100 * accuracy[overrule]:.1f}%", flush=True)
    return max(accuracy, key=lambda overrule: accuracy[overrule])


def subset(examples: Examples, questions: np.ndarray) -> Examples:
    """The examples of these questions (by number)."""
    kept = np.isin(examples[3], questions)
    return examples[0][kept], examples[1][kept], examples[2][kept], examples[3][kept]


def ensure_weights() -> None:
    """A weights file for today's features, so that the answerer can be built: when FEATURES changed, one that
    knows nothing (the features it learns from are computed before any model weighs them)."""
    try:
        from_json(json.loads(WEIGHTS.read_text(encoding="utf-8")))
    except (OSError, ValueError, SettingsError):
        zeros = np.zeros(len(FEATURES))
        blank = Model(zeros, zeros + 1, zeros, 0.0, 0.5)
        WEIGHTS.write_text(json.dumps(Confidence(blank, blank).to_json()) + "\n", encoding="utf-8")


def main() -> None:
    from index.embeddings import LocalEmbeddings

    started = time.perf_counter()
    ensure_weights()
    embeddings = LocalEmbeddings()
    train_squad, dev_squad = squad("train"), squad("dev")
    squad_bot = bot_over("squad", [doc for doc, _ in train_squad + dev_squad], embeddings)
    bank_bot = bot_over("bank", bank_documents(), embeddings)

    def squad_questions(split: list[Any]) -> list[tuple[dict[str, Any], str]]:
        return [(item, doc.source) for doc, items in split for item in items]

    def bank_questions(name: str) -> list[tuple[dict[str, Any], str]]:
        return [(item, source_of(bank_bot, item["doc"])) for item in jsonl(BANK / name)]

    def squad_example(item: dict[str, Any], source: str) -> tuple[np.ndarray, np.ndarray]:
        return example(squad_bot, item, source, scoped=True, starts=False)

    def bank_example(item: dict[str, Any], source: str) -> tuple[np.ndarray, np.ndarray]:
        return example(bank_bot, item, source, scoped=False, starts=True)

    tune = {
        "SQuAD train": cached("tune-squad", squad_questions(train_squad), squad_example),
        "bank tune": cached("tune-bank", bank_questions("tune.jsonl"), bank_example),
    }
    validation = {
        "Normans": cached("validation-normans", squad_questions(dev_squad), squad_example),
        "bank validation": cached("validation-bank", bank_questions("validation.jsonl"), bank_example),
    }
    if len(sys.argv) > 2 and sys.argv[1] == "--shares":  # compare shares, e.g. --shares 1:1 1:4; writes nothing
        for shares in sys.argv[2:]:
            held_out = cross_validated(list(tune.values()), [float(x) for x in shares.split(":")], OVERRULES[0])
            print(f"shares {shares}: held-out accuracy", ", ".join(f"{100 * a:.1f}%" for a in held_out))
        return
    overrule = chosen_overrule(list(tune.values()))
    models = fitted(list(tune.values()), TUNE_SHARES, overrule)
    threshold = choose_threshold(models, list(validation.values()), list(tune.values()))
    final = replace(models, decide=replace(models.decide, threshold=threshold))
    WEIGHTS.write_text(json.dumps(final.to_json(), indent=1) + "\n", encoding="utf-8")
    sentences = sum(len(rows) for rows, *_ in tune.values())
    print(f"{sentences} shortlisted sentences of the tune questions; threshold {threshold:.2f}")
    for name, examples in {**tune, **validation}.items():
        shown = ", ".join(f"{key} {100 * value:.1f}%" for key, value in figures(examples, final, threshold).items())
        print(f"  {name:16} ({len(np.unique(examples[3]))}): {shown}")
    held_out = cross_validated(list(tune.values()), TUNE_SHARES, overrule)
    shown = ", ".join(f"{name} {100 * a:.1f}%" for name, a in zip(tune, held_out, strict=True))
    print(f"  5-fold held-out accuracy on tune: {shown}")
    print(f"trained in {time.perf_counter() - started:.0f} s; {WEIGHTS.name} {WEIGHTS.stat().st_size} bytes")


if __name__ == "__main__":
    main()
