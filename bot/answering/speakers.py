"""Whom a "what did X say?" question asks about, however it names them: "putin", "Erdogan", "the CEO",
"the company's boss", "Turkey's president" -> the person the documents name so.

A role is resolved through the appositions news text uses: "the CEO of Baykar, Haluk Bayraktar",
"Turkish President Recep Tayyip Erdogan", "Baykar's CEO Haluk Bayraktar", "Haluk Bayraktar, the CEO of Baykar".
"""

from __future__ import annotations

import re

from bot.answering.conversation import without_topic
from index.storage.doc_stats import names
from index.storage.lexical import terms

ASKED = re.compile(
    r"\b(?:what|how)\s+(?:did|does|do|has|have|had)\s+(?P<who>.+?)\s+"
    r"(?:say|said|tell|told|state|claim|announce|think|reply|write|tweet|add)\b",
    re.IGNORECASE,
)
NOT_PEOPLE = re.compile(r"^(?:the|a|an|this|that|these|its|their|it|they|he|she|we|you|i|people|someone)\b", re.I)
# a role word in a question -> the titles a document may give that person
ROLES = {
    "ceo": "CEO|chief executive(?: officer)?",
    "boss": "CEO|chief executive(?: officer)?|president|chairman|head",
    "chief": "CEO|chief executive(?: officer)?|head",
    "head": "CEO|head|chairman|director",
    "exec": "CEO|chief executive(?: officer)?",
    "executive": "CEO|chief executive(?: officer)?",
    "president": "[Pp]resident",
    "leader": "[Pp]resident|[Ll]eader|[Pp]rime [Mm]inister",
    "chairman": "[Cc]hairman",
    "founder": "[Ff]ounder",
    "spokesman": "[Ss]pokes(?:man|woman|person)",
    "spokesperson": "[Ss]pokes(?:man|woman|person)",
}
PERSON = r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,3})"
ORG = r"(?P<org>[A-Z][\w’'-]+)"


def asked_phrase(question: str) -> str | None:
    """The words between "what did" and "say" ("the company's boss", "putin"), or None."""
    asked = ASKED.search(without_topic(question))
    return asked.group("who").strip() if asked else None


def appositions(role: str, text: str) -> list[tuple[str, str]]:
    """(organisation or country word, person) for each place the text gives someone this title."""
    title = ROLES[role]
    patterns = [
        rf"\b(?:the\s+)?(?:{title})\s+of\s+{ORG},?\s+{PERSON}",
        rf"\b{ORG}\s+(?:{title})\s+{PERSON}",
        rf"\b{ORG}[’']s\s+(?:{title}),?\s+{PERSON}",
        rf"{PERSON},\s+(?:the\s+)?(?:{title})\s+of\s+{ORG}",
    ]
    text = text.replace("\u00a0", " ")
    return [(m.group("org"), m.group("name")) for p in patterns for m in re.finditer(p, text)]


def by_role(phrase: str, text: str) -> str | None:
    """The person a role phrase ("turkey's president", "the company's boss") names in the text."""
    words = re.findall(r"[\w-]+", phrase.lower())
    role = next((word for word in reversed(words) if word in ROLES), None)
    if role is None:
        return None
    found = appositions(role, text)
    qualifiers = [word for word in words if word not in ROLES and word not in {"the", "s", "company", "firm", "top"}]
    for org, person in found:
        if any(org.lower()[:4] == word[:4] for word in qualifiers):
            return person
    return found[0][1] if found and not qualifiers else None


def by_name(phrase: str, text: str) -> str | None:
    """The document's fullest form of a name asked in any case ("putin" -> "Vladimir Putin")."""
    asked = {word.lower() for word in re.findall(r"[\w’'-]+", phrase)}
    for name in names(text):
        if name.split()[-1].lower() in asked:
            return name.split()[-1]
    return None


def asked_speaker(question: str, texts: list[str] = []) -> str | None:  # noqa: B006 - never mutated
    """The person a "what did X say" question asks about, resolved against the documents' texts when given.

    A role that no document resolves, or a phrase like "the spec" or "they", is no person; a name in any
    case is one, even when no document mentions it (so that citebot can say it quotes no one by it).
    """
    phrase = asked_phrase(question)
    if not phrase:
        return None
    generic = bool(NOT_PEOPLE.match(phrase))
    for text in texts:
        if person := by_role(phrase, text) or (None if generic else by_name(phrase, text)):
            return person
    return None if generic or len(phrase.split()) > 3 else phrase


def topic(question: str, who: str) -> bool:
    """Whether a "what did X say" question asks about something ("about Russia"), not just for X's words."""
    asked = set(terms(who)) | set(terms(asked_phrase(question) or ""))
    return any(stem not in asked for stem in terms(ASKED.sub(" ", question)))


def said_phrase(sentence: str) -> str:
    """ "told CNN" when the sentence says whom they told, else "said"."""
    told = re.search(r"\btold ([A-Z][\w]*(?: [A-Z][\w]*)*)", sentence)
    return f"told {told.group(1)}" if told else "said"
