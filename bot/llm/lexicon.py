"""Words of the same and of opposite meaning, for reading a reply against its source.

A model rewords what it cites: "contests" for "competitions", "began" for "started". Such a word still says
what the source says. One changed word can also say the opposite, "She has lost 20 Grammy Awards" citing "She
has won 20 Grammy Awards", though every other word is the source's. The synonyms and opposites are WordNet's,
in each word's common senses, with their written forms, in lexicon.json (written by `make lexicon`,
benchmarks/build_lexicon.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from index.storage.lexical import stemmer, terms, words

TABLE = Path(__file__).with_name("lexicon.json")


@dataclass(frozen=True)
class Lexicon:
    forms: dict[str, frozenset[str]]  # the stem of a written form -> the words it may be ("won": win)
    stems: dict[str, frozenset[str]]  # a word -> the stems of its written forms
    synonyms: dict[str, frozenset[str]]
    opposites: dict[str, frozenset[str]]


@cache
def lexicon() -> Lexicon:
    """The table, read once."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    stems: dict[str, set[str]] = defaultdict(set)
    for stem, found in data["forms"].items():
        for word in found:
            stems[word].add(stem)
    return Lexicon(
        {stem: frozenset(found) for stem, found in data["forms"].items()},
        {word: frozenset(found) for word, found in stems.items()},
        related(data["synonyms"]),
        related(data["opposites"]),
    )


def related(groups: Iterable[list[str]]) -> dict[str, frozenset[str]]:
    """Each word -> the other words of its groups."""
    found: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        for word in group:
            found[word].update(other for other in group if other != word)
    return {word: frozenset(others) for word, others in found.items()}


def meanings(text: str) -> frozenset[str]:
    """The text's terms, with those of every form of their words' synonyms ("competitions" brings "contest"), so
    that a reworded claim is covered by it."""
    table = lexicon()
    found = set(terms(text))
    meant = {word for stem in found for word in table.forms.get(stem, ())}
    synonyms = {other for word in meant for other in table.synonyms.get(word, ())}
    return frozenset(found) | {stem for word in synonyms for stem in table.stems[word]}


def readings(text: str) -> dict[str, frozenset[str]]:
    """Each written word of the text that has an opposite, by its stem, with the words it may be ("won": win)."""
    table = lexicon()
    return {
        stem: meant
        for stem in stemmer().stemWords(words(text))
        if (meant := table.forms.get(stem, frozenset())) & table.opposites.keys()
    }


def opposed(claim: str, source: str) -> int:
    """How many written words of the claim stand where the source has their opposite (and the claim does not)."""
    table = lexicon()
    said, stated = readings(claim), readings(source)
    others = frozenset().union(*stated.values()) - frozenset().union(*said.values())
    flipped = [stem for stem, meant in said.items() if any(table.opposites.get(w, set()) & others for w in meant)]
    return sum(1 for stem in flipped if stem not in stated)
