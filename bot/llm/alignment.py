"""Reading a model's sentence against the source sentences it cites: names, numbers, negation and roles.

Word overlap alone keeps "Baykar has never supplied drones to Ukraine" (one word added), "to Russia amid the
war with Ukraine" (the same words, roles reversed) and a name or number swapped for another of the same
document. So each clause of the claim is aligned with the cited source sentence (and clause) sharing most of
its words, and must agree with it: its names and numbers are in that sentence, it is negated exactly when
that clause is (a word put for its opposite, "lost" for "won", counts as a negation: bot.llm.lexicon), and
no two names trade roles there (bot.llm.roles). A hedge stating an absence ("The passages
do not say whether X, but ...") claims nothing about X, so only what follows it is checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import zip_longest

from bot.llm.entities import all_in, meta_terms, names, names_agree, numbers
from bot.llm.lexicon import opposed
from bot.llm.roles import NAME, name_terms, swapped
from index.passages import sentence_spans
from index.storage.lexical import covered, terms

# a bracket opens or closes a clause, but not the "()" of a call ("setTimeout()")
CLAUSE_BREAK = re.compile(
    r"[,;:]|\((?!\))|(?<!\()\)|\s(?:and|but|which|while|whereas|although|because)\s", re.IGNORECASE
)
# "The passages do not say X, but ...", "The text doesn't state X; it says ...", "It is not stated whether X,
# but ...", "There is no mention of X in the passages, but ...": X is what the passages lack, not a claim
SOURCES = r"(?:the|these|this|my)\s+(?:passages?|documents?|sources?|texts?|articles?|context)"
REPORTS = r"(?:say|state|mention|give|list|specify|explain|include|indicate|report|tell|name)"
HEDGE = re.compile(
    rf"^(?:{SOURCES}\s+(?:(?:do|does|did)\s+not|don[’']t|doesn[’']t|didn[’']t)\s+{REPORTS}\b"
    rf"|it\s+is\s+not\s+(?:stated|said|mentioned|specified|explained|clear)\b|there\s+is\s+no\s+mention\s+of\b)"
    r"[^,;]*?(?:,\s*(?:but|only that|though|although)\b|\s+(?:but|only that|though)\b|[,;])\s*"
    rf"(?:(?:it|they|{SOURCES})\s+(?:only\s+)?{REPORTS}s?\s+(?:only\s+)?(?:that\s+)?)?",
    re.IGNORECASE,
)
NEGATION = re.compile(
    r"\b(?:not|never|no|nor|cannot|without|none|nothing|neither|refus\w*|den(?:y|ies|ied)|declin\w*|fail\w*)\b"
    r"|n[’']t\b|\b_not_\b",
    re.IGNORECASE,
)
# A source pronoun may stand for a name said before it ("he" for Chopin, "we" for Baykar, "them" for Russia)
# ("this object" for the `Immediate` of the heading before it)
SOURCE_PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their|we|us|our|it|its|this)\b", re.I)
SENTENCE_ENDS = tuple('.!?;:"”’)]')  # a line ending otherwise is a heading or title
SUBJECT = re.compile(rf"({NAME.pattern})\s+[a-z]")
ACCORDING = re.compile(r"^according\s+to\s+([^,]*),\s*", re.IGNORECASE)
MIN_CLAUSE_TERMS = 3  # a shorter clause ("(2011)", "Texas") is a fragment, read with the clause around it
MIN_ALIGNED = 0.5  # a clause sharing less than this with every source sentence is not read against one


@dataclass(frozen=True)
class Cited:
    """What a claim is read against: each cited sentence with the text whose names its pronouns may stand
    for, and the names of the documents (a sentence's first word is read as a name only if it is one)."""

    referents: dict[str, str]
    known: AbstractSet[str]


def claim_terms(text: str) -> list[str]:
    """The distinct content terms of a sentence, less the words that only talk about the passages."""
    return [term for term in dict.fromkeys(terms(text)) if term not in meta_terms()]


def claim_of(body: str) -> str:
    """The sentence without a leading hedge of absence: what it actually states."""
    return HEDGE.sub("", body, count=1)


def clauses(text: str) -> list[str]:
    return [clause for clause in CLAUSE_BREAK.split(text) if clause.strip()]


def aligned(clause: str, units: Sequence[str]) -> str | None:
    """The unit (source sentence or clause) sharing most of the clause's words, if it shares enough."""
    wanted = claim_terms(clause)
    if not wanted or not units:
        return None
    score, best = max((covered(wanted, frozenset(terms(unit))), unit) for unit in units)
    return best if score >= MIN_ALIGNED else None


def source_sentences(texts: Sequence[str], leads: Sequence[str] = ()) -> dict[str, str]:
    """Each sentence of the cited texts, with the text whose names its pronouns may stand for."""
    found: dict[str, str] = {}
    for text, lead in zip_longest(texts, leads[: len(texts)], fillvalue=""):
        before = [lead[start:end] for start, end in sentence_spans(lead, 0, len(lead))]
        for start, end in sentence_spans(text, 0, len(text)):
            sentence = text[start:end]
            found[sentence] = referents(sentence, before)
            before.append(sentence)
    return found


def referents(sentence: str, before: Sequence[str]) -> str:
    """If the sentence has a pronoun, what it may stand for: the names of the sentence before it, of the
    headings before it, and the first name of each earlier one (its subject or topic: "Chopin formed ... .
    In 1835 he obtained ...").
    The sentences before a passage's first one come from the document (its lead)."""
    if not before or not SOURCE_PRONOUN.search(sentence):
        return ""
    headings = [earlier for earlier in before if not earlier.rstrip().endswith(SENTENCE_ENDS)]
    return " ".join([before[-1], *headings, *(first_name(earlier) for earlier in before)])


def first_name(sentence: str) -> str:
    """The name a sentence opens with, or opens its main clause with after a leading phrase, before a
    lower-case word ("Chopin formed", "A self-described feminist, Beyoncé creates"; not "In 1835")."""
    stripped = sentence.strip()
    for start in (0, stripped.find(",") + 1):
        found = SUBJECT.match(stripped[start:].lstrip())
        if found and name_terms(found.group(1)):
            return found.group(1)
    return ""


def substituted(said: set[int], stated: set[int]) -> bool:
    """Whether a number of the claim's clause stands where the source clause has another ("in 2008" for
    "in 2010"); an extra number, or one the source clause lacks while it has no other, is not."""
    return bool(said - stated) and bool(stated - said)


def agrees(clause: str, opener: bool, sentence: str, cited: Cited, fragment: bool = False) -> bool:
    """The clause keeps the names, numbers and negation of the source sentence it aligns with. A name may
    stand for a pronoun there, if the clause has fewer pronouns (it resolved one: "In 1835 he obtained"
    read as "Chopin obtained"). A fragment aligned with no clause of it must only not add a negation."""
    unresolved = len(SOURCE_PRONOUN.findall(sentence)) > len(SOURCE_PRONOUN.findall(clause))
    context = f"{sentence} {cited.referents.get(sentence, '') if unresolved else ''}"
    if not names_agree(clause, opener, context, cited.known, " ".join(cited.referents)) or not numbers(
        clause
    ) <= numbers(sentence):
        return False
    negated = bool(NEGATION.search(clause))
    source_clause = aligned(clause, clauses(sentence))
    if source_clause is not None and substituted(numbers(clause), numbers(source_clause)):
        return False
    # a word put for its opposite flips the meaning as a negation does ("not unpopular" is "popular")
    flips = opposed(clause, source_clause or sentence)
    if source_clause is None and fragment:
        return not (negated or flips) or bool(NEGATION.search(sentence))
    return (negated + flips) % 2 == bool(NEGATION.search(source_clause or sentence))


def by_common_words(clause: str, opener: bool, cited: Cited) -> str | None:
    """The cited sentence a short clause's common words point to, when the sentence read so far does not
    hold it: in a synthesis "After starring in Dreamgirls [1], she was named ... [2]" the opening fragment
    comes from another passage. Names and numbers do not choose it: they are what it is checked on."""
    named = set(names(clause, opener, cited.known)) | {str(n) for n in numbers(clause)}
    common = [term for term in claim_terms(clause) if term not in named]
    return aligned(" ".join(common), list(cited.referents)) if common else None


def consistent(
    body: str, texts: Sequence[str], leads: Sequence[str] = (), known: AbstractSet[str] = frozenset()
) -> bool:
    """Whether every clause of the sentence agrees with the cited sentence it aligns with, and the names
    shared with those sentences keep their roles. `leads` are the document sentences just before each text,
    `known` the names of the documents.

    A clause too short to align ("(2008)", "Texas") is read against the sentence of the clause before it
    (or of the whole claim); its names and numbers must be there. Only a claim aligned with no sentence
    at all is read against the whole cited text. "According to X," needs X's names somewhere in the texts.
    """
    claim, whole = claim_of(body), " ".join([*texts, *leads])
    if wrapper := ACCORDING.match(claim):
        source = names(wrapper.group(1), opener=False)
        if not all_in(source, whole) and not set(source) <= known:
            return False
        claim = claim[wrapper.end() :]
    cited = Cited(source_sentences(texts, leads), frozenset(known))
    context = aligned(claim, list(cited.referents)) or " ".join(texts)
    used = []
    for index, clause in enumerate(clauses(claim)):
        fragment = len(claim_terms(clause)) < MIN_CLAUSE_TERMS
        sentence = None if fragment else aligned(clause, list(cited.referents))
        if not agrees(clause, index == 0, sentence or context, cited, fragment or sentence is None) and (
            sentence is not None
            or (own := by_common_words(clause, index == 0, cited)) is None
            or not agrees(clause, index == 0, own, cited, fragment=True)
        ):
            return False
        if sentence is not None:
            context = sentence
            used.append(sentence)
    return not swapped(clauses(claim), [part for sentence in used for part in clauses(sentence)])
