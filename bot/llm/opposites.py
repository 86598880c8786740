"""Words of opposite meaning: "She has lost 20 Grammy Awards" cites "She has won 20 Grammy Awards".

A reply that puts one word where its source has the opposite says the opposite, though every other word is
the source's, so word overlap keeps it. The pairs are WordNet's direct antonyms in their common senses
(won/lost, popular/unpopular, most/least, public/private), with their written forms, in opposites.json
(written by `make opposites`, benchmarks/build_opposites.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import cache
from pathlib import Path

from index.storage.lexical import stemmer, words

TABLE = Path(__file__).with_name("opposites.json")


@cache
def table() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(stem of a written form -> the words it may be, word -> its opposites), read once."""
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    opposite: dict[str, set[str]] = defaultdict(set)
    for one, other in data["pairs"]:
        opposite[one].add(other)
        opposite[other].add(one)
    forms = {stem: frozenset(found) for stem, found in data["forms"].items()}
    return forms, {word: frozenset(found) for word, found in opposite.items()}


def readings(text: str) -> dict[str, frozenset[str]]:
    """Each written word of the text that has an opposite, by its stem, with the words it may be ("won": win)."""
    forms, _ = table()
    return {stem: forms[stem] for stem in stemmer().stemWords(words(text)) if stem in forms}


def opposed(claim: str, source: str) -> int:
    """How many written words of the claim stand where the source has their opposite (and the claim does not)."""
    _, opposite = table()
    said, stated = readings(claim), readings(source)
    others = frozenset().union(*stated.values()) - frozenset().union(*said.values())
    return sum(1 for stem, meant in said.items() if stem not in stated and any(opposite[w] & others for w in meant))
