"""Who does what to whom: the role each name plays in a sentence, to catch a claim that swaps two names.

"Baykar supplied drones to Ukraine amid the war with Russia" and "... to Russia amid the war with Ukraine"
share every word. What differs is the slot each name fills: the subject of a verb ("agent"), what the verb
acts on ("patient"), or the object of a preposition ("to", "with", "in"). A claim swaps roles when two names
it shares with its source each take the other's slot there. A passive keeps the roles of its active
("Chopin was admired by Schumann" = "Schumann admired Chopin"): its subject is the patient, "by X" the agent.
A name moved or rephrased alone ("the invasion of Ukraine" for "invaded Ukraine") swaps nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from index.lexical import STOPWORDS, terms

NAME = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
PREPOSITION = re.compile(
    r"\b(to|from|with|by|for|against|into|including|in|at|on|of)\s+(?:(?:the|his|her|its|their|a|an)\s+)?$",
    re.IGNORECASE,
)
ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?$", re.IGNORECASE)
# Where a new verb gets a subject of its own ("Erdogan said that Putin approached him")
SUBCLAUSE = re.compile(r"\s(?:that|who|which|when|while)\s", re.IGNORECASE)
PRONOUN = re.compile(r"\b(?:he|she|it|they|we|i)\b", re.IGNORECASE)
BARE = frozenset({"agent", "patient"})
PASSIVE = r"(?:is|was|were|are|been|being|be)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn|ne)\b"
PASSIVE_AFTER = re.compile(rf"^[’']?s?\s+(?:(?:has|have|had)\s+)?{PASSIVE}", re.IGNORECASE)
Roles = dict[str, set[str]]


def roles(clauses: Sequence[str]) -> Roles:
    """The roles each name term takes in a sentence, given as its clauses."""
    found: Roles = defaultdict(set)
    for clause in (part for whole in clauses for part in SUBCLAUSE.split(whole)):
        passive, has_agent = bool(re.search(PASSIVE, clause, re.IGNORECASE)), False
        for match in NAME.finditer(clause):
            before, after = clause[: match.start()], clause[match.end() :]
            role = slot(before, after, passive, has_agent)
            if role is None:
                continue
            has_agent = has_agent or role == "agent"
            for term in name_terms(match.group(0)):
                found[term].add(role)
    return found


def slot(before: str, after: str, passive: bool, has_agent: bool) -> str | None:
    """The role of a name from the words around it in its clause; None for the source of an "according to"."""
    if ACCORDING.search(before):
        return None
    if preposition := PREPOSITION.search(before):
        word = preposition.group(1).lower()
        return "agent" if word == "by" and passive else word
    if PASSIVE_AFTER.search(after):
        return "patient"
    return "patient" if has_agent or PRONOUN.search(before) else "agent"


def name_terms(name: str) -> list[str]:
    """The terms of a name, less a capitalised function word opening a sentence ("The", "In")."""
    return [term for term in terms(name) if term not in STOPWORDS]


def swapped(claim: Sequence[str], source: Sequence[str]) -> bool:
    """Whether two names the claim shares with the source each take the slot the other has there
    (claim and source given as clauses). Subject and object told apart by word order alone are too
    rough to trust ("She released B'Day" vs "she released her album, B'Day"), so an exchange counts when
    a preposition marks one of the slots, or a passive's "by" marks who acts."""
    said, stated = roles(claim), roles(source)
    shared = [term for term in said if term in stated]
    moved = {term: said[term] - stated[term] for term in shared}
    voiced = any(re.search(PASSIVE + r".*\bby\b", clause, re.IGNORECASE) for clause in [*claim, *source])
    return any(
        (exchanged := (moved[a] & stated[b]) | (moved[b] & stated[a]))
        and moved[a] & stated[b]
        and moved[b] & stated[a]
        and (voiced or not exchanged <= BARE)
        for a in shared
        for b in shared
        if a < b
    )
