"""What the confidence model sees of a candidate sentence: does it give what the question asks?

The answerer ranks sentences by similarity and term coverage; the model weighs the best-ranked few, ranks them
again by its probability, and decides whether the first then answers. Every feature comes from what the answerer
already has (MiniLM similarities, the weighted question terms, the passage's fused retrieval score), so deciding
costs no extra model call. `FEATURES` names the columns of `row`, in order; the weights file repeats them, so
weights made for other features are refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from bot.answering.question import NUMBER, answer_type, gives
from bot.answering.speakers import held_terms
from index.storage.lexical import terms

FEATURES = (
    "dense",  # MiniLM similarity of question and sentence
    "coverage",  # weighted share of the question's terms: exact, synonyms, or in the sentence before
    "exact",  # ... found exactly in the sentence (no synonyms, no context)
    "missing",  # weight share of the most important question term the sentence lacks
    "type_asked",  # the question asks for a kind of detail (money, number, date, reason, place, person)
    "type_held",  # ... and the sentence holds one
    "names",  # share of the question's names the sentence (or the one before) has
    "numbers",  # share of the question's numbers the sentence (or the one before) has
    "speaker_asked",  # a "what did X say" question
    "speaker_quoted",  # ... and the sentence quotes X
    "margin",  # ranking score minus the best score of the other shortlisted sentences
    "dense_margin",  # similarity minus the best similarity of the other shortlisted sentences
    "words",  # how many content words the question has
    "retrieval",  # the passage's fused (dense + BM25) retrieval score
    "position",  # its place in the shortlist, which the ranking score orders (0: first)
)
NAME = re.compile(r"(?<!^)\b[A-Z][\w-]+")
FIRST_WORD = re.compile(r"^\W*\w+")


class Sentence(Protocol):
    """A ranked candidate sentence, as the answerer scored it."""

    @property
    def text(self) -> str: ...
    @property
    def context(self) -> str: ...  # the sentence before
    @property
    def dense(self) -> float: ...
    @property
    def coverage(self) -> float: ...
    @property
    def score(self) -> float: ...


def asked_terms(pattern: re.Pattern[str], question: str) -> set[str]:
    """The question's names (capitalised words, not its first word) or numbers, as lowercase terms."""
    found = pattern.findall(FIRST_WORD.sub("", question.strip()))
    return {stem for word in found for stem in terms(word) or [word.lower()]}


def share(wanted: set[str], found: set[str]) -> float:
    return len(wanted & found) / len(wanted) if wanted else 1.0


def term_shares(weight: dict[str, float], own: set[str]) -> tuple[float, float]:
    """The weighted share of question terms found exactly, and the weight share of the heaviest missing one."""
    total = sum(weight.values())
    if total <= 0:
        return 0.0, 0.0
    exact = sum(w for term, w in weight.items() if term in own)
    missing = max((w for term, w in weight.items() if term not in own), default=0.0)
    return exact / total, missing / total


def row(
    question: str, ranked: Sequence[Sentence], n: int, weight: dict[str, float], quoted: bool | None, retrieval: float
) -> np.ndarray:
    """The FEATURES of the n-th ranked sentence, against the other ones; `weight` weighs the question's terms,
    `quoted` says whether it quotes the asked speaker (None: none asked)."""
    best, others = ranked[n], [*ranked[:n], *ranked[n + 1 :]]
    kind = answer_type(question)
    found = set(terms(f"{best.context} {best.text}")) | set(NUMBER.findall(f"{best.context} {best.text}"))
    exact, missing = term_shares(weight, held_terms(best.text))
    values = [
        best.dense,
        best.coverage,
        exact,
        missing,
        float(kind is not None),
        float(kind is not None and gives(kind, best.text, question)),
        share(asked_terms(NAME, question), found),
        share(asked_terms(NUMBER, question), found),
        float(quoted is not None),
        float(bool(quoted)),
        best.score - max((other.score for other in others), default=0.0),
        best.dense - max((other.dense for other in others), default=0.0),
        float(len(weight)),
        retrieval,
        float(n),
    ]
    return np.asarray(values, dtype=np.float64)
