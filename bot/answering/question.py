"""What a question asks for: its weighted terms, the kind of answer it expects, and whom it asks about.

The extractive answerer cites a sentence only when the sentence covers what the question asks: its
rarest terms, and an answer of the expected kind (a number for "how many", a date for "when").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from index.storage.lexical import terms

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?|billions?"
MEASURES = "speed|range|price|cost|weight|size|length|height|altitude|population|budget|salary|age|capacity"

HAS_NUMBER = re.compile(rf"\d|\b(?:{NUMBER_WORDS})\b", re.IGNORECASE)
HAS_MONEY = re.compile(
    r"[$€£¥₺]|\b(?:dollars?|euros?|pounds?|lira|usd|eur)\b|\d[\d,.]*\s*(?:million|billion|[mbk]\b)", re.I
)
HAS_DATE = re.compile(rf"\b(?:1[5-9]|20)\d\d\b|\b(?:{MONTHS}|{DAYS}|yesterday|today|tomorrow|ago)\b", re.I)
HAS_REASON = re.compile(r"\b(?:because|since|due to|so that|in order to|as a result|reason|why)\b", re.I)

EXPECTS: list[tuple[re.Pattern[str], Callable[[str], bool]]] = [
    (
        re.compile(
            r"^how much\b.*\b(?:cost|costs|price|pay|paid|spend|spent|worth|money|funds?)\b|\b(?:price|cost)\b",
            re.I,
        ),
        lambda text: bool(HAS_MONEY.search(text)),
    ),
    (
        re.compile(
            rf"^(?:how (?:many|much|long|old|far|fast|big|high|tall|heavy)"
            rf"|what (?:is|was|are) the (?:\w+ )?(?:{MEASURES}))\b",
            re.I,
        ),
        lambda text: bool(HAS_NUMBER.search(text)),
    ),
    (
        re.compile(r"^(?:when|(?:in )?what (?:year|month|day|date|time))\b", re.I),
        lambda text: bool(HAS_DATE.search(text)),
    ),
    (re.compile(r"^why\b", re.I), lambda text: bool(HAS_REASON.search(text))),
]


def expected_kind(question: str) -> Callable[[str], bool] | None:
    """A test that an answering sentence must pass, or None when any sentence may answer."""
    for pattern, test in EXPECTS:
        if pattern.search(question.strip()):
            return test
    return None


def weights(wanted: list[str], sentences: int, containing: Mapping[str, int]) -> dict[str, float]:
    """Inverse document frequency over a document's `sentences`, `containing[term]` of which hold the term:
    rare terms matter most, absent ones most."""
    return {term: math.log(1 + (sentences + 1) / (1 + containing.get(term, 0))) for term in dict.fromkeys(wanted)}


def content_words(text: str) -> list[str]:
    """The unstemmed words behind `terms`, for comparing meanings; names keep their capital letter."""
    return [word for word in re.findall(r"[^\W\d_]{3,}", text) if terms(word)]


INDIRECT = re.compile(r"^(?P<wh>what|who|which)\s+(?P<be>is|are|was|were)\s+(?P<rest>.+?)\s*\?*$", re.IGNORECASE)


def indirect(question: str) -> str:
    """ "What is the top speed of X?" -> "what the top speed of X is"; otherwise the question, quoted."""
    match = INDIRECT.match(question.strip())
    if not match:
        return f"the answer to “{question.strip()}”"
    return f"{match.group('wh').lower()} {match.group('rest')} {match.group('be').lower()}"
