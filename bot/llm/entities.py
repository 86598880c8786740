"""What a claim names and counts, read against a source sentence: its names and its numbers.

A name of the claim must be a name in the source sentence: a capitalised word there ("five Artist" is not
backed by "a solo artist"), or the initials of one ("RIAA" for "Recording Industry Association of America"),
or a fuller form of it that the cited text writes out ("Harper Lee" where the sentence says "Lee"). A number
may be written in digits or words, cardinal or ordinal ("24th", "twenty-fourth").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

from bot.answering.citations import without_quotes
from index.storage.lexical import covered, terms, words

# Words about the passages rather than about the world ("the passage mentions ..."): they need no support.
META_WORDS = (
    "passage passages article document documents documentation docs text texts quote quotes mention mentioned "
    "according state states stated explain explains explained describe describes described note notes noted"
)
UNITS = "one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# "first" and "second" are left out: "at first", "per second" count nothing
ORDINALS = dict(
    zip("third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(), range(3, 13), strict=True)
)
NUMBER_WORDS = {
    **dict(zip(UNITS + TEENS, range(1, 20), strict=True)),
    **dict(zip(TENS, range(20, 100, 10), strict=True)),
    **{tens[:-1] + "ieth": value for tens, value in zip(TENS, range(20, 100, 10), strict=True)},
    **ORDINALS,
    "hundred": 100,
}
YEAR_RANGE = re.compile(r"\b(\d\d)\d\d\s*[–-]\s*(\d\d)\b")  # "1838–39" is also 1839
COMPOUND = re.compile(rf"\b({'|'.join(TENS)})[-\s]+(\w+)", re.IGNORECASE)  # "twenty-four", "twenty-fourth"
# "one" as a pronoun ("every one of", "one of the best", "one another") is not a count
PRONOUN_ONE = re.compile(r"\b(?:every|each|any|no|the|this|that|which)\s+one\b|\bone\s+(?:of|another)\b", re.I)
OPENING_MARKS = "`\"'“‘([*_"
NAME_AFTER_WORD = re.compile(r"(?<=[\w,;:’'\"”)]\s)[A-Z][\w’'-]*")
NAME_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)+")
ACRONYM = re.compile(r"\b[A-Z]{2,6}s?\b")
CONNECTORS = frozenset({"of", "and", "for", "the", "&"})  # skipped by initials ("Association of America")


@lru_cache(maxsize=1)
def meta_terms() -> frozenset[str]:
    return frozenset(terms(META_WORDS))


def all_in(wanted: Sequence[str], text: str) -> bool:
    """Whether every term (a name) is in the text; a shared 5-letter prefix counts."""
    return not wanted or covered(wanted, frozenset(terms(text))) == 1


def numbers(text: str) -> set[int]:
    """The numbers of a text, in digits or words ("three UAVs", "3 UAVs", "twenty-fourth", "24th"), and the
    full second year of a range ("1838–39")."""
    found = {int(digits) for digits in re.findall(r"\d+", text) if len(digits) < 10}
    found |= {int(century + year) for century, year in YEAR_RANGE.findall(text)}
    for match in COMPOUND.finditer(text):
        unit = ORDINALS.get(match.group(2).lower(), NUMBER_WORDS.get(match.group(2).lower(), 10))
        if unit < 10:
            found.add(NUMBER_WORDS[match.group(1).lower()] + unit)
    return found | {NUMBER_WORDS[word] for word in words(PRONOUN_ONE.sub(" ", text)) if word in NUMBER_WORDS}


def names(text: str, opener: bool = True, known: AbstractSet[str] = frozenset()) -> list[str]:
    """Terms of the capitalised words; the first word of a sentence (capitalised anyway) only when it is
    one of the `known` names of the document ("Rollo agreed", not "Every one of")."""
    split = [word.lstrip(OPENING_MARKS) for word in text.split()]  # "`Immediate`", "“Putin", "(Normandy"
    picked = [word for word in split[1 if opener else 0 :] if word[:1].isupper()]
    opening = terms(split[0]) if opener and split else []
    found = [term for term in terms(" ".join(picked)) if term not in meta_terms()]
    return [term for term in opening if term in known] + found


@lru_cache(maxsize=8)
def document_names(text: str) -> frozenset[str]:
    """Terms of a text's capitalised words that do not open a sentence: its names."""
    return frozenset(terms(" ".join(NAME_AFTER_WORD.findall(text)))) - meta_terms()


def capitalised(text: str) -> str:
    """The text's capitalised words, wherever they stand."""
    return " ".join(word for word in (w.lstrip(OPENING_MARKS) for w in text.split()) if word[:1].isupper())


def initials(text: str) -> set[str]:
    """The acronyms a text's names could be shortened to: the initials of every run of two or more
    capitalised words, connectors skipped ("RIAA", "UK", "CEA")."""
    tokens = [word.strip(",;:.()\"'“”") for word in text.split()]
    found: set[str] = set()
    for start, word in enumerate(tokens):
        letters = ""
        for token in tokens[start:] if word[:1].isupper() else []:
            if token.lower() in CONNECTORS:
                continue
            if not token[:1].isupper():
                break
            letters += token[0].lower()
            if len(letters) > 1:
                found.add(letters)
    return found


def fuller(clause: str, context: str, cited: str) -> set[str]:
    """Terms of the clause's multi-word names that the cited text writes out as they are and the context
    shares a word with ("Harper Lee" for the sentence's "Lee")."""
    flat = " ".join(cited.split())
    return {
        term
        for run in NAME_RUN.findall(clause)
        if run in flat and all_in(terms(run)[-1:], capitalised(context))
        for term in terms(run)
    }


def names_agree(clause: str, opener: bool, context: str, known: AbstractSet[str], cited: str = "") -> bool:
    """The clause's names are names in the context, its acronyms the initials of names there, its fuller
    names written out in the cited text. A quoted word ("UNACCEPTABLE") need only be in the context, as the
    quotation itself is matched against the source."""
    outside = without_quotes(clause)
    said, strict = names(clause, opener, known), set(names(outside, opener, known))
    excused = fuller(outside, context, cited) | {
        term for term in terms(" ".join(ACRONYM.findall(outside))) if term in initials(context)
    }
    wanted = [term for term in said if term in strict and term not in excused]
    return all_in(wanted, capitalised(context)) and all_in([t for t in said if t not in strict], context)
