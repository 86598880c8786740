"""Whom a "what did X say?" question asks about, however it names them: "putin", "Erdogan", "the CEO",
"the company's boss", "Turkey's president" -> the person the documents name so.

A role is resolved through the appositions news text uses: "the CEO of Baykar, Haluk Bayraktar",
"Turkish President Recep Tayyip Erdogan", "Baykar's CEO Haluk Bayraktar", "Haluk Bayraktar, the CEO of Baykar".
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.answering.question import without_topic
from index.storage.doc_stats import names
from index.storage.lexical import covered, terms

ASKED = re.compile(
    r"\b(?:what|how)\s+(?:did|does|do|has|have|had)\s+(?P<who>.+?)\s+"
    r"(?:say|said|tell|told|state|claim|announce|think|reply|write|tweet|add)\b",
    re.IGNORECASE,
)
# "what is ukraine under, according to bayraktar?", "according to erdogan, who approached him?"
ACCORDING = re.compile(
    r"^\s*according\s+to\s+(?P<lead>[^,?]+),|,?\s+according\s+to\s+(?P<tail>[^,?]+?)\s*\??\s*$", re.I
)
NOT_PEOPLE = re.compile(r"^(?:the|a|an|this|that|these|its|their|it|they|he|she|we|you|i|people|someone)\b", re.I)
REPORTING = "said|says|told|tells|stated|announced|added|argued|warned|claimed|explained|insisted|wrote"
# a role word in a question -> the titles a document may give that person
CEO = "CEO|chief executive(?: officer)?"
CHAIR = "[Cc]hair(?:man|woman|person)?"
STATE = "[Pp]resident|[Ll]eader|[Pp]rime [Mm]inister"  # a country's heads: "the head of turkey"
ROLES = {
    "ceo": CEO,
    "boss": f"{CEO}|president|chairman|head|[Mm]anaging [Dd]irector|owner|[Gg]eneral [Ss]ecretary|leader",
    "chief": f"{CEO}|head",
    "head": f"{CEO}|head|chairman|director|{STATE}",
    "exec": CEO,
    "executive": CEO,
    "president": "[Pp]resident",
    "leader": STATE,
    "chairman": CHAIR,
    "chairwoman": CHAIR,
    "founder": "[Ff]ounder",
    "spokesman": "[Ss]pokes(?:man|woman|person)",
    "spokeswoman": "[Ss]pokes(?:man|woman|person)",
    "spokesperson": "[Ss]pokes(?:man|woman|person)",
    "mayor": "[Mm]ayor",
    "minister": "[Mm]inister",
    "governor": "[Gg]overnor",
    "director": "[Dd]irector",
    "manager": "[Mm]anager",
    "owner": "[Oo]wner",
    "secretary": "[Ss]ecretary",
    "chancellor": "[Cc]hancellor",
    "ambassador": "[Aa]mbassador",
    "captain": "[Cc]aptain",
    "editor": "[Ee]ditor",
    "runs": f"{CEO}|head|chairman|director",  # "who runs X?"
    "leads": f"{CEO}|head|chairman|director|{STATE}",
}
TITLES = {stem: re.compile(rf"\b(?:{title})\b") for role, title in ROLES.items() for stem in terms(role)}
VERB_ROLES = {"runs", "leads"}
ROLE_ENDS = {"of", "at", "in", "for", "from", "on", "with"}  # words that may follow a role noun: "the CEO of X"
UNQUALIFYING = {"the", "a", "an", "s", "of", "at", "in", "for", "its", "their", "company", "firm", "top"}
# "who is the CEO of X?", "who runs X?", "what's the name of X's boss?"
ROLE_ASKED = re.compile(
    r"^\s*(?:who(?:'s|’s)?|what(?:'s|’s|\s+is)\s+the\s+name\s+of)\s+(?:(?:is|was|are|were)\s+)?(?P<subject>.+?)[\s?]*$",
    re.IGNORECASE,
)
NOBODY = ""
PERSON = r"(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,3})"
ORG = r"(?P<org>[A-Z][\w’'-]+)"


def held_terms(text: str) -> set[str]:
    """A sentence's terms, with the role words its titles stand for: "the CEO of Baykar" holds "boss", "exec",
    "chief" and "runs" too, so that "who is the drone maker's boss?" covers it."""
    return set(terms(text)) | {stem for stem, title in TITLES.items() if title.search(text)}


def asked_phrase(question: str) -> str | None:
    """The words between "what did" and "say" ("the company's boss", "putin"), or after "according to", or None."""
    own = without_topic(question)
    if asked := ASKED.search(own):
        return asked.group("who").strip()
    according = ACCORDING.search(own)
    return (according.group("lead") or according.group("tail")).strip() if according else None


def about_them(question: str, who: str) -> str:
    """What a "what did X say about Y?" question asks of X, less the asking ("what did ... think"), with X by
    their last name, as documents write them after naming them: "what did the turkish president think of the
    war?" -> "Erdogan of the war?"."""
    return f"{who.split()[-1]} {ACCORDING.sub(' ', ASKED.sub(' ', question)).strip()}"


def titled(role: str, text: str) -> list[tuple[str, str, str]]:
    """(organisation or country word, person, title) for each place the text gives someone this title."""
    title = f"(?P<title>{ROLES[role]})"
    patterns = [
        rf"\b(?:the\s+)?{title}\s+of\s+{ORG},?\s+{PERSON}",
        rf"\b{ORG}\s+{title}\s+{PERSON}",
        rf"\b{ORG}[’']s\s+{title},?\s+{PERSON}",
        rf"{PERSON},\s+(?:the\s+)?{title}\s+of\s+{ORG}",
    ]
    text = text.replace("\u00a0", " ")
    return [(m.group("org"), m.group("name"), m.group("title")) for p in patterns for m in re.finditer(p, text)]


def role_of(phrase: str) -> tuple[str | None, list[str]]:
    """The role a phrase asks for ("turkey's president" -> "president"), and the words that qualify it. A role
    word that another word qualifies ("chief technology officer") is part of another title: no role."""
    words = re.findall(r"[\w-]+", phrase.lower())
    at = next((n for n in reversed(range(len(words))) if words[n] in ROLES), None)
    if at is None or not (at + 1 == len(words) or words[at + 1] in ROLE_ENDS or words[at] in VERB_ROLES):
        return None, []
    return words[at], [word for word in words if word not in ROLES and word not in UNQUALIFYING]


def of_org(org: str, word: str) -> bool:
    """Whether a question's word names the organisation or country of an apposition ("turkey" ~ "Turkish")."""
    return org.lower()[:4] == word[:4]


def by_role(phrase: str, text: str) -> str | None:
    """The person a role phrase ("turkey's president", "the company's boss") names in the text."""
    role, qualifiers = role_of(phrase)
    return (holder_of(role, qualifiers, [text]) or None) if role else None


class Holder(NamedTuple):
    """Whom a "who is the CEO of X?" question asks for: the role, and the person the documents give it."""

    role: str
    person: str  # NOBODY when the documents give the role only to people of other organisations

    def titled_in(self, text: str) -> bool:
        """Whether the text gives the person the role ("the CEO of Baykar, Haluk Bayraktar")."""
        return any(person == self.person for _, person, _ in titled(self.role, text))


def role_holder(question: str, texts: list[str]) -> Holder | None:
    """For "who is the CEO of X?", "who runs X?": the person the texts (the candidate sentences) give that
    title, or None (no such question, or no such title in the texts)."""
    asked = ROLE_ASKED.match(question)
    role, qualifiers = role_of(asked.group("subject")) if asked else (None, [])
    person = holder_of(role, qualifiers, texts) if role else None
    return Holder(role, person) if role and person is not None else None


def holder_of(role: str, qualifiers: list[str], texts: list[str]) -> str | None:
    """The person the texts give the role, for the organisation the qualifiers name; NOBODY when they give it
    only to people of other organisations; None when they give it to no one, or cannot tell to whom. A
    qualifier that the texts do not name ("the drone maker's boss") is a description: then the title's one
    holder is the answer, if it has one and the texts use a word of the description."""
    found = [held for text in texts for held in titled(role, text)]
    if not found:
        return None
    known = [name.lower().split() for text in texts for name in names(text)]
    named = [word for word in qualifiers if any(of_org(part, word) for name in known for part in name)]
    if not named:  # a description: the title's one holder, unless the texts use none of its words ("chip maker")
        # a description ("the drone company") is of an organisation: a country is named ("turkey's leader")
        people = {person for _, person, title in found if not (qualifiers and re.fullmatch(STATE, title))}
        described = not qualifiers or bool(set(terms(" ".join(qualifiers))) & set(terms(" ".join(texts))))
        return people.pop() if len(people) == 1 and described else None
    # the organisation by any name it goes by: "Pomona" is "Pomona Cider", so "the cider maker" asks for it
    aliases = {org: {org.lower()} | {w for name in known if name[0] == org.lower() for w in name} for org, *_ in found}
    # words that form one name together ("cnn turk") must all be the organisation's: "Turkish" is not CNN Turk
    joint = next((name for name in known if sum(word in name for word in named) > 1), [])
    test = all if joint else any
    asked_org = [word for word in named if word in joint] or named
    holders = [
        person
        for org, person, _ in found
        if test(any(of_org(alias, word) for alias in aliases[org]) for word in asked_org)
    ]
    return holders[0] if holders else NOBODY


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
    return any(stem not in asked for stem in terms(ACCORDING.sub(" ", ASKED.sub(" ", question))))


def mentions(text: str, who: str) -> bool:
    """Whether the text names the person, by their last name, and not as part of another name ("Bayraktar TB2" is
    a drone); a phrase no document writes as a name ("the museum's office") by all its words."""
    if who.islower():
        return covered(terms(who), set(terms(text))) == 1
    last = re.escape(who.split()[-1])
    return bool(re.search(rf"\b{last}\b(?!(?-i:\s+[A-Z0-9]))", text, re.IGNORECASE))


def reports(sentence: str, who: str) -> bool:
    """Whether the sentence reports the person's words without quoting them: their last name, an optional clause
    about them, then a speech verb ("Okafor, who chairs the committee, said the town ...")."""
    last = re.escape(who.split()[-1])
    return bool(re.search(rf"\b{last}\b(?:,[^,.;]{{0,100}},)?\s+(?:{REPORTING})\b", sentence, re.IGNORECASE))


def said_phrase(sentence: str) -> str:
    """ "told CNN" when the sentence says whom they told, else "said"."""
    told = re.search(r"\btold ([A-Z][\w]*(?: [A-Z][\w]*)*)", sentence)
    return f"told {told.group(1)}" if told else "said"
