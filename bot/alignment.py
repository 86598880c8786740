"""Reading a model's sentence against the source sentences it cites: names, numbers, negation and roles.

Word overlap alone keeps "Baykar has never supplied drones to Ukraine" (one word added), "to Russia amid the
war with Ukraine" (the same words, roles reversed) and a name or number swapped for another of the same
document. So each clause of the claim is aligned with the cited source sentence (and clause) sharing most of
its words, and must agree with it: its names and numbers are in that sentence, it is negated exactly when
that clause is, and no two names trade roles there (bot.roles). A hedge stating an absence ("The passages
do not say whether X, but ...") claims nothing about X, so only what follows it is checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

from bot.roles import swapped
from index.lexical import terms, words
from index.passages import sentence_spans

# Words about the passages rather than about the world ("the passage mentions ..."): they need no support.
META_WORDS = "passage passages article document documents documentation docs text quote quotes mention mentioned"
CLAUSE_BREAK = re.compile(r"[,;:()]|\s(?:and|but|which|while|whereas|although|because)\s", re.IGNORECASE)
HEDGE = re.compile(
    r"^(?:the|these|my)\s+(?:passages?|documents?|sources?|texts?|articles?)\s+(?:do|does|did)\s+not\s+"
    r"(?:say|state|mention|give|list|specify|explain|include|indicate|report|tell)\b[^,;]*?"
    r"(?:,\s*(?:but|only that|though|although)\b|\s+(?:but|only that)\b|[,;])\s*",
    re.IGNORECASE,
)
NEGATION = re.compile(r"\b(?:not|never|no|nor|cannot|without)\b|n[’']t\b|\b_not_\b", re.IGNORECASE)
NUMBER_WORDS = dict(
    zip(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
        "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred".split(),
        [*range(2, 21), 30, 40, 50, 60, 70, 80, 90, 100],
        strict=True,
    )
)
MIN_CLAUSE_TERMS = 3  # a shorter clause ("(2011)", "Texas") is a fragment, read with the clause around it
MIN_ALIGNED = 0.5  # a clause sharing less than this with every source sentence is not read against one


@lru_cache(maxsize=1)
def meta_terms() -> frozenset[str]:
    return frozenset(terms(META_WORDS))


def claim_terms(text: str) -> list[str]:
    """The distinct content terms of a sentence, less the words that only talk about the passages."""
    return [term for term in dict.fromkeys(terms(text)) if term not in meta_terms()]


def covered(wanted: Sequence[str], found: AbstractSet[str]) -> float:
    """Share of the terms present in `found`; a shared 5-letter prefix counts (lithuania/lithuanian)."""
    prefixes = {term[:5] for term in found if len(term) >= 5}
    hits = sum(1 for term in wanted if term in found or (len(term) >= 5 and term[:5] in prefixes))
    return hits / len(wanted) if wanted else 0.0


def all_in(wanted: Sequence[str], text: str) -> bool:
    """Whether every term (a name) is in the text; a shared 5-letter prefix counts."""
    return not wanted or covered(wanted, frozenset(terms(text))) == 1


def claim_of(body: str) -> str:
    """The sentence without a leading hedge of absence: what it actually states."""
    return HEDGE.sub("", body, count=1)


def clauses(text: str) -> list[str]:
    return [clause for clause in CLAUSE_BREAK.split(text) if clause.strip()]


def numbers(text: str) -> set[int]:
    """The numbers of a text, written in digits or words ("three UAVs", "3 UAVs")."""
    found = {int(digits) for digits in re.findall(r"\d+", text) if len(digits) < 10}
    return found | {NUMBER_WORDS[word] for word in words(text) if word in NUMBER_WORDS}


def names(text: str, opener: bool = True) -> list[str]:
    """Terms of the capitalised words, past the first when the text opens a sentence (capitalised anyway)."""
    picked = [word for word in text.split()[1 if opener else 0 :] if word[:1].isupper()]
    return [term for term in terms(" ".join(picked)) if term not in meta_terms()]


def aligned(clause: str, units: Sequence[str]) -> str | None:
    """The unit (source sentence or clause) sharing most of the clause's words, if it shares enough."""
    wanted = claim_terms(clause)
    if not wanted or not units:
        return None
    score, best = max((covered(wanted, frozenset(terms(unit))), unit) for unit in units)
    return best if score >= MIN_ALIGNED else None


def source_sentences(texts: Sequence[str]) -> list[str]:
    return [text[start:end] for text in texts for start, end in sentence_spans(text, 0, len(text))]


def agrees(clause: str, opener: bool, sentence: str, fragment: bool = False) -> bool:
    """The clause keeps the names, numbers and negation of the source sentence it aligns with. A fragment
    aligned with no clause of it must only not add a negation the sentence lacks."""
    if not all_in(names(clause, opener), sentence) or not numbers(clause) <= numbers(sentence):
        return False
    negated = bool(NEGATION.search(clause))
    source_clause = aligned(clause, clauses(sentence))
    if source_clause is None and fragment:
        return not negated or bool(NEGATION.search(sentence))
    return negated == bool(NEGATION.search(source_clause or sentence))


def consistent(body: str, texts: Sequence[str]) -> bool:
    """Whether every clause of the sentence agrees with the cited sentence it aligns with, and the names
    shared with those sentences keep their roles.

    A clause too short to align ("(2008)", "Texas") is read against the sentence of the clause before it
    (or of the whole claim); its names and numbers must be there. Only a claim aligned with no sentence
    at all is read against the whole cited text.
    """
    claim = claim_of(body)
    sentences = source_sentences(texts)
    context = aligned(claim, sentences) or " ".join(texts)
    used = []
    for index, clause in enumerate(clauses(claim)):
        fragment = len(claim_terms(clause)) < MIN_CLAUSE_TERMS
        sentence = None if fragment else aligned(clause, sentences)
        if not agrees(clause, index == 0, sentence or context, fragment or sentence is None):
            return False
        if sentence is not None:
            context = sentence
            used.append(sentence)
    return not swapped(clauses(claim), [part for sentence in used for part in clauses(sentence)])
