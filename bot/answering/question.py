"""What a question asks for: its weighted terms, the kind of answer it expects, and whom it asks about.

The extractive answerer cites a sentence only when the sentence covers what the question asks: its
rarest terms, and an answer of the expected kind (a number for "how many", a date for "when").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen"
    "|(?:twen|thir|for|fif|six|seven|eigh|nine)ty|dozens?|hundreds?|thousands?|millions?|billions?|once|twice|thrice"
)
MEASURES = (
    "speed|range|price|cost|weight|size|length|height|altitude|population|budget|salary|age|capacity|number|percentage"
    "|amount|total|count|uid|gid|port|score|temperature|distance|duration|depth|width|volume|density|magnitude"
    "|revenue|income|fee|wage|ratio"
)  # "what is the uid of X?" asks for a number (SQuAD train: 31 of 32 such answerable questions' answers hold one)

# a number as a term: whole ("v2" is a name, not 2), with its decade's "s" ("1950s"), matched exactly, never by meaning
NUMBER = re.compile(r"\b\d[\d,.]*\d(?:s\b)?|\b\d\b")
HAS_NUMBER = re.compile(rf"\d|\b(?:{NUMBER_WORDS})\b", re.IGNORECASE)
HAS_MONEY = re.compile(
    r"[$€£¥₺]|\b(?:dollars?|euros?|pounds?|lira|usd|eur)\b|\d[\d,.]*\s*(?:million|billion|[mbk]\b)", re.I
)
SEASONS = "spring|summer|autumn|fall|winter"  # "next spring", as "next month" or "last year"
UNITS = "(?:milli)?seconds?|minutes?|hours?|days?|weeks?|months?|years?"  # a time from now: "within 10 business days"
HAS_DATE = re.compile(
    rf"\b(?:1\d|20)\d\d(?:s|\b)|\b(?:in|of|by|until|since|from|to|around|c\.)\s+\d{{3}}\b|\b\d{{1,4}}\s*(?:AD|BC|CE|BCE)\b"
    rf"|\b(?:{MONTHS}|{DAYS}|yesterday|today|tomorrow|ago|century|centuries|decade|era)\b"
    rf"|\b(?:within|after|in)\s+(?:\d[\d,.]*|{NUMBER_WORDS}|a|an)\s+(?:\w+\s+)?(?:{UNITS})\b"
    rf"|\b(?:next|last|this|coming|following|previous|past)\s+(?:{UNITS}|{SEASONS}|weekend|decade|quarter)\b",
    re.I,
)
HAS_REASON = re.compile(
    r"\b(?:because|since|due to|so that|in order to|as a result|reason|why|to (?:help|avoid|prevent|ensure|allow|make)"
    r"|therefore|thus|so as|otherwise|which means|for (?:the|its|their))\b",
    re.I,
)
HAS_PLACE = re.compile(
    r"\b(?:in|at|near|from|into|inside|under|located|based|headquartered)\s+(?:the\s+)?[A-Z`/.$~]"
    r"|\b(?:city|country|town|region|directory|folder|file|path|located)\b|/\w",
)
VERSION = re.compile(r"\bv?\d+(?:\.\d+)+\b", re.I)  # v20.17.0, 1.0, 2.6.3
RELEASE = re.compile(r"\bv\d+\.\d")  # "when was it added?" in a manual: "added: v9.0.0"
HAS_PERSON = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b|\b(?:he|she|author|maintainer)\b")

# What a question asks for, by its opening: (answer type, question pattern); the first that matches wins.
ASKS: list[tuple[str, re.Pattern[str]]] = [
    (
        "money",
        re.compile(
            r"^how much\b.*\b(?:cost|costs|price|pay|paid|spend|spent|worth|money|funds?)\b|\b(?:price|cost)\b", re.I
        ),
    ),
    (
        "number",
        re.compile(
            rf"^(?:how (?:many|much|long|old|far|fast|big|high|tall|heavy)"
            rf"|what (?:is|was|are) the (?:\w+ )?(?:{MEASURES}))\b",
            re.I,
        ),
    ),
    ("version", re.compile(r"^(?:(?:in|since|from|until) )?(?:what|which) (?:\w+ )?version\b", re.I)),
    ("date", re.compile(r"^(?:when|(?:(?:on|in|at) )?(?:what|which) (?:year|month|day|date|time))\b", re.I)),
    ("reason", re.compile(r"^(?:why|for what reason|what (?:is|was) the reason)\b", re.I)),
    (
        "place",
        re.compile(r"^(?:where|(?:in|from|to) (?:what|which) (?:country|city|place|town|region|folder|file))\b", re.I),
    ),
    ("person", re.compile(r"^(?:who|whom|whose)\b", re.I)),
]
HOLDS: dict[str, Callable[[str], bool]] = {
    "money": lambda text: bool(HAS_MONEY.search(text)),
    "number": lambda text: bool(HAS_NUMBER.search(text)),
    "version": lambda text: bool(VERSION.search(text)),
    "date": lambda text: bool(HAS_DATE.search(text) or RELEASE.search(text)),
    "reason": lambda text: bool(HAS_REASON.search(text)),
    "place": lambda text: bool(HAS_PLACE.search(text)),
    "person": lambda text: bool(HAS_PERSON.search(text)),
}
# words that only restate the kind a question asks for: "where is X based?" asks where X is, and a sentence
# saying "X, located in Y" answers it without the word "based"
RESTATING = {
    "place": {"located", "based", "headquartered", "situated"},
    "money": {"cost", "costs", "price", "priced"},
}
REQUIRED = frozenset({"money", "number", "version", "date"})  # a sentence without the asked detail cannot answer these


def answer_type(question: str) -> str | None:
    """The kind of detail a question asks for (money, number, version, date, reason, place, person), or None."""
    stripped = question.strip()
    return next((name for name, pattern in ASKS if pattern.search(stripped)), None)


def restating(question: str) -> set[str]:
    """The question's words that only restate the kind of detail it asks for."""
    return RESTATING.get(answer_type(question) or "", set())


# "when is root ignored?" asks for a condition, "when did/was/were/will X ..." for a time: the gold answer holds a
# date for 97% of such SQuAD train and bank tune questions (208 of 214)
WHEN_CONDITION = re.compile(r"^\s*when\b(?!\s+(?:did|was|were|will)\b)", re.IGNORECASE)


# "where in Russia?" asks for a place inside one the question names: the sentence must name another one
WHERE_WITHIN = re.compile(r"^\s*where\s+in\b", re.IGNORECASE)
INSIDE = re.compile(r"\b(?:in|at|near|inside|outside|within|on)\s+(?:the\s+)?[A-Z]")


def expected_kind(question: str) -> Callable[[str], bool] | None:
    """A test that an answering sentence must pass, or None when any sentence may answer: it holds the asked
    detail, and the numbers a follow-up names itself."""
    tests = [test for test in (asked_detail(question), follow_up_numbers(question)) if test]
    return (lambda sentence: all(test(sentence) for test in tests)) if tests else None


def follow_up_numbers(question: str) -> Callable[[str], bool] | None:
    """ "and in 2017?" asks the last question again about 2017: the answer must name the year, or it answers the
    last question again. None unless the question carries its last one as topic and names a number."""
    own = without_topic(question)
    numbers = NUMBER.findall(own) if own != question else []
    return (lambda sentence: set(numbers) <= set(NUMBER.findall(sentence))) if numbers else None


def asked_detail(question: str) -> Callable[[str], bool] | None:
    """A test that the sentence holds the kind of detail asked for; a "when" that may ask for a condition only
    ranks."""
    kind = answer_type(question)
    if kind == "place" and WHERE_WITHIN.match(question):
        return lambda sentence: bool(INSIDE.search(beyond(question, sentence)))
    if kind not in REQUIRED or WHEN_CONDITION.match(question):
        return None
    return lambda sentence: gives(kind, sentence, question)


def gives(kind: str, sentence: str, question: str) -> bool:
    """Whether the sentence holds the asked kind of detail beyond the names, numbers and dates the question
    already gives: "in March" does not answer "on which day in March?"."""
    return HOLDS[kind](beyond(question, sentence))


def beyond(question: str, sentence: str) -> str:
    """The sentence with the names, numbers and dates the question gives blanked out."""
    asked = {word.lower() for word in re.findall(r"\w+", question)}
    return re.sub(r"\b(?:[A-Z]\w*|\d[\w,.]*)", lambda m: "_" if m.group().lower() in asked else m.group(), sentence)


def weights(wanted: list[str], sentences: int, containing: Mapping[str, int]) -> dict[str, float]:
    """Inverse document frequency over a document's `sentences`, `containing[term]` of which hold the term:
    rare terms matter most, absent ones most."""
    return {term: math.log(1 + (sentences + 1) / (1 + containing.get(term, 0))) for term in dict.fromkeys(wanted)}


TWO_PARTS = re.compile(r",?\s+and\s+(?=(?:what|who|when|where|which|how|why)\b)", re.IGNORECASE)
PRONOUN = re.compile(r"\b(?:he|she|it|they|him|her|them)\b", re.IGNORECASE)
SUBJECT = re.compile(r"^\s*(?:who|what)\s+(?:is|are|was|were)\s+(?P<subject>.+?)\s*$", re.IGNORECASE)


def parts(question: str) -> list[str]:
    """A two-part question ("who is X and what did he say about Y?") as its parts, the pronoun of the second
    replaced by the subject of the first; any other question as itself."""
    split = TWO_PARTS.split(question.strip().rstrip("?"), maxsplit=1)
    if len(split) < 2:
        return [question]
    subject = SUBJECT.match(split[0])
    second = PRONOUN.sub(subject.group("subject"), split[1], count=1) if subject else split[1]
    return [split[0], second]


TOPIC = re.compile(r"\s*\([^()]*\)\?$")  # the "(last question)?" that bot.answering.conversation.on_topic adds


def without_topic(question: str) -> str:
    """The question without the topic on_topic gave it: what it asks itself ("when was that?" after "what did
    X say?" asks for no one's words)."""
    return TOPIC.sub("?", question)


INDIRECT = re.compile(r"^(?P<wh>what|who|which)\s+(?P<be>is|are|was|were)\s+(?P<rest>.+?)\s*\?*$", re.IGNORECASE)


def indirect(question: str) -> str:
    """ "What is the top speed of X?" -> "what the top speed of X is"; otherwise the question, quoted."""
    match = INDIRECT.match(question.strip())
    if not match:
        return f"the answer to “{question.strip()}”"
    return f"{match.group('wh').lower()} {match.group('rest')} {match.group('be').lower()}"


# Chat framing around what is asked: "hey,", "can you tell me", "do you know", "according to the article,",
# "thanks". Its words are terms no sentence holds, so a framed question looked as if it asked for something
# absent, and the readers of the question's kind ("^who", "^where") did not see its opening.
SOURCE_NOUN = r"(?:article|document|doc|docs|documents|text|passage|piece|story)"
ASKING = r"(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|please\s+|pls\s+)?"  # "can you tell me ..."
WH = r"(?:what|who|whom|whose|why|how|where|when|which|if|whether)\b"
FRAMING = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|so|um+|please|pls|plz)\b[\s,!.:]*)*"
    rf"(?:{ASKING}(?:tell|show|explain\s+to)\s+(?:me|us)\s+(?={WH})"
    r"|(?:do|does)\s+(?:you|u|anyone|anybody)\s+know\s+"
    r"|i(?:'d|’d|\s+would)\s+like\s+to\s+know\s+|i\s+(?:want|need)\s+to\s+know\s+|i\s+wonder\s+|any\s+idea\s+"
    rf"|explain\s+(?={WH})"
    rf"|(?:according\s+to|in|from|based\s+on)\s+(?:the|this|your)\s+{SOURCE_NOUN}\s*,\s*)?",
    re.IGNORECASE,
)
# a request instead of a question: "name the CEO of X", "list the drones ...", "describe the campaign"
REQUEST = re.compile(
    rf"^{ASKING}(?:(?:name|identify)\s+(?=(?:the|a|an|one|two|three|some|all|any|each|every)\b)"
    r"|(?P<list>list)\s+(?=(?:the|all|any|some|every|each)\b)"
    rf"|(?:give\s+me|describe|explain|(?:tell|show)\s+(?:me|us)(?:\s+about)?)\s+(?!{WH}|more\b))",
    re.IGNORECASE,
)
SIGN_OFF = re.compile(
    r"(?:[\s,]*(?:please|pls|plz|thanks|thank\s+you|thx|lol)|\s+according\s+to\s+(?:the|this)\s+"
    rf"{SOURCE_NOUN}|,\s*in\s+(?:the|this)\s+{SOURCE_NOUN})\s*([?.!]*)\s*$",
    re.IGNORECASE,
)
# "what does the article say about X?" asks what is said about X: the article is no term of it
SOURCE_SAYS = re.compile(
    rf"^(what|how|why|who|where|when)\s+(?:does|do|did)\s+(?:the|this|your)\s+{SOURCE_NOUN}\s+(?:say|mention|state)\b",
    re.IGNORECASE,
)
# "who the CEO of Baykar is" (after "do you know"): the question's own order, which the readers expect
EMBEDDED = re.compile(r"^(?P<wh>who|what|where|when|which|how\s+\w+)\s+(?P<rest>.+?)\s+(?P<be>is|are|was|were)\W*$")


def unframed(question: str) -> str:
    """The question without chat framing, as it would be asked plainly; a question without any, as it is."""
    bare = REQUEST.sub(asked_instead, FRAMING.sub("", question.strip(), count=1), count=1)
    bare = SIGN_OFF.sub(r"\1", bare, count=1)
    bare = SOURCE_SAYS.sub(r"\1 is said", bare, count=1)
    if bare == question.strip() or len(bare.split()) < 2:  # nothing left to ask ("hey there")
        return question
    if embedded := EMBEDDED.match(bare):
        bare = f"{embedded['wh']} {embedded['be']} {embedded['rest']}?"
    return bare[:1].upper() + bare[1:]


def asked_instead(request: re.Match[str]) -> str:
    """The question a request asks: "name the CEO" what the CEO is, "list the drones" what they are."""
    return "what are " if request["list"] else "what is "
