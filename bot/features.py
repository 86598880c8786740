"""What the confidence model sees of each candidate sentence: how well it gives what the question asks.

Every feature is computed from what the extractive answerer already has (the sentence's and the question's
MiniLM vectors, the passage's fused retrieval score, the weighted question terms), so scoring a candidate
costs no extra model call. `FEATURES` names the columns of `matrix`, in order; the weights file repeats
them, so a weights file made for other features is refused rather than misread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.question import HOLDS, answer_type
from index.lexical import terms

FEATURES = (
    "dense",  # MiniLM similarity of question and sentence
    "dense_context",  # ... of the question and the sentence with the one before it
    "retrieval",  # the passage's fused (dense + BM25) retrieval score
    "coverage",  # weighted share of the question's terms: exact, synonyms, or in the sentence before
    "exact",  # weighted share found exactly in the sentence
    "missing",  # weight of the most important question term the sentence lacks
    "type_asked",  # the question asks for a kind of detail (where, when, how many, why, who)
    "type_held",  # ... and the sentence holds one
    "names",  # share of the question's names and numbers the sentence (or the one before) has
    "speaker",  # the asked speaker is quoted in the sentence (a "what did X say" question)
    "speaker_missing",  # a speaker is asked about and this sentence does not quote them
    "rank",  # 1 / (1 + rank) by dense + coverage
    "margin",  # this sentence's dense + coverage minus the best other sentence's
)
NAME_OR_NUMBER = re.compile(r"(?<!^)\b[A-Z][\w-]+|\d[\d.,]*")
SENTENCE_START = re.compile(r"^\W*\w+")


@dataclass(frozen=True)
class Judged:
    """One candidate's measurements before the model weighs them."""

    dense: float
    dense_context: float
    retrieval: float
    coverage: float
    exact: float
    missing: float
    text: str
    context: str
    speaker: bool | None  # None: the question asks about no speaker


def names_and_numbers(question: str) -> set[str]:
    """Capitalised words (not the first word of the question) and numbers, lowercased, as terms."""
    found = NAME_OR_NUMBER.findall(SENTENCE_START.sub("", question.strip()))
    return {stem for word in found for stem in terms(word) or [word.lower()]}


def term_shares(words: dict[str, str], weight: dict[str, float], own: set[str]) -> tuple[float, float]:
    """The weighted share of question terms found exactly, and the share of the heaviest missing one."""
    total = sum(weight.values())
    if not words or total <= 0:
        return 0.0, 0.0
    missing = [weight[term] for term in words if term not in own]
    exact = sum(weight[term] for term in words if term in own)
    return exact / total, max(missing, default=0.0) / total


def matrix(question: str, judged: list[Judged]) -> np.ndarray:
    """One row of FEATURES per candidate."""
    if not judged:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    kind = answer_type(question)
    wanted = names_and_numbers(question)
    scores = np.array([j.dense + 1.5 * j.coverage for j in judged])
    order = np.argsort(-scores, kind="stable")
    rank = np.empty(len(judged))
    rank[order] = np.arange(len(judged))
    runner_up = scores[order[1]] if len(judged) > 1 else 0.0
    rows = []
    for j, score, place in zip(judged, scores, rank, strict=True):
        best_other = runner_up if place == 0 else scores[order[0]]
        found = set(terms(j.text)) | set(terms(j.context))
        rows.append(
            [
                j.dense,
                j.dense_context,
                j.retrieval,
                j.coverage,
                j.exact,
                j.missing,
                float(kind is not None),
                float(kind is not None and HOLDS[kind](j.text)),
                len(wanted & found) / len(wanted) if wanted else 1.0,
                float(bool(j.speaker)),
                float(j.speaker is False),
                1.0 / (1.0 + place),
                float(score - best_other),
            ]
        )
    return np.asarray(rows, dtype=np.float32)
