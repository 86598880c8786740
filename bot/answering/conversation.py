"""Conversation state and the extractive way of turning a follow-up into a standalone question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.answering.citations import names
from bot.answering.speakers import ROLE_ASKED, ROLES, by_role
from index.storage.lexical import terms

PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his)\b", re.IGNORECASE)
THING_PRONOUN = re.compile(r"\b(it|its|they|them|their|the company)\b", re.IGNORECASE)
MAX_TURNS = 20
WHICH = re.compile(r"^\s*(?:which|what)\s+(?!(?:is|are|was|were|do|does|did|has|have|had|can|will|would)\b)\w+", re.I)
ABOUT_FOLLOW_UP = re.compile(r"^\s*(?:what|how|and)\s+about\s+(?P<topic>.+?)[\s?]*$", re.IGNORECASE)
ABOUT_TAIL = re.compile(r"\babout\b.*$", re.IGNORECASE)  # what the question is about, to its end
LEAD = re.compile(r"^\s*(and|so|also|then)\b[,\s]*", re.IGNORECASE)
# "what about the maximum?", "and on posix?": a follow-up that names only what changes, so the last question
# supplies the rest of its topic; a short question without "and" may be a new topic, and is left alone. Words
# are taken whole (possessive), so a long question that is no follow-up fails at once instead of backtracking
ELLIPTICAL = re.compile(
    r"^\s*(?:(?:what|how)\s+about\s+(?P<about>.+)|(?P<led>and\b[,\s]*(?!(?:what|who|whom|whose|when|where|which|why"
    r"|how|is|are|was|were|do|does|did|can|could|should|would|will)\b)(?:\S++\s*+){1,5}))$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str  # the answer's text: all a follow-up reads of it


@dataclass
class Conversation:
    """The turns so far; front ends keep one per chat session or Discord thread."""

    turns: list[Turn] = field(default_factory=list)

    def add(self, question: str, answer: str) -> None:
        self.turns = [*self.turns, Turn(question, answer)][-MAX_TURNS:]

    def reset(self) -> None:
        self.turns = []

    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


def people(text: str) -> list[str]:
    """Names of at least two title-case words ("Haluk Bayraktar"), which are most likely people."""
    return [
        name
        for name in names(text)
        if len(name.split()) >= 2 and all(word[:1].isupper() and word[1:].islower() for word in name.split())
    ]


def person_of(last: Turn) -> str | None:
    """Whom "he" or "she" stands for: the holder of the role the last question asked for ("who is the turkish
    president?": "Recep Tayyip Erdogan" of the answer's "Turkish President Recep Tayyip Erdogan"), else the first
    person the turn names."""
    asked = ROLE_ASKED.match(last.question)
    holder = by_role(asked.group("subject"), last.answer) if asked else None
    return holder or next(iter(people(f"{last.question} {last.answer}")), None)


def things(question: str, answer: str) -> list[str]:
    """What "it" or "they" stands for: the name the answer gives a "which company ...?" question; else what the
    question asked about: its single capitalised words but the first ("Baykar", "TB2"), or its words typed in
    lowercase that the answer writes as a name ("where is pomona based?": "Pomona, ..."), but not its stop words
    (a refusal restating "where are they based?" writes "Where"). Never a role ("the CEO of Baykar": Baykar)."""
    single = [name for name in names(answer) if len(name.split()) == 1 and name.lower() not in ROLES]
    if WHICH.match(question) and (new := [name for name in single if new_in(name, question, answer)]):
        return new
    asked = [name for name in names(question[1:]) if len(name.split()) == 1 and name.lower() not in ROLES]
    written = {name.lower(): name for name in single}
    typed = [word for word in re.findall(r"[\w’'-]{3,}", question) if terms(word)]
    return asked or [written[word] for word in typed if word in written]


def new_in(name: str, question: str, answer: str) -> bool:
    """Whether the answer's name is one the question did not give, and no quotation's opening word."""
    return name.casefold() not in question.casefold() and not re.search(rf"[“‘\"']{re.escape(name)}", answer)


def resolve_references(question: str, conversation: Conversation | None) -> str:
    """Replace he/she/it in a follow-up with the person or thing the last turn was about; when the last turn
    names none ("what did erdogan's office post?", typed in lowercase), or the follow-up names only what
    changes ("and the maximum?"), ask it with the last question as its topic."""
    last = conversation.last() if conversation else None
    if last is None:
        return question
    elliptical = ELLIPTICAL.match(question)
    question = LEAD.sub("", question)
    if named := with_names(question, last):
        question = named
    elif elliptical:
        changed = elliptical.group("about") or LEAD.sub("", elliptical.group("led"))  # what differs from the last
        question = about_instead(elliptical.group(), last) or on_topic(changed, last)
    elif PERSON_PRONOUN.search(question) or THING_PRONOUN.search(question):
        question = on_topic(question, last)
    return question[:1].upper() + question[1:]


def with_names(question: str, last: Turn) -> str | None:
    """The question with its first he/she/his put for the person the last turn names, or it/they for the
    thing its question names; None when it has no such pronoun or the turn names no one for it."""
    if (person := person_of(last)) and PERSON_PRONOUN.search(question):
        return PERSON_PRONOUN.sub(lambda m: possessive(person, m.group(1)), question, count=1)
    if (thing := next(iter(things(last.question, last.answer)), None)) and THING_PRONOUN.search(question):
        return THING_PRONOUN.sub(lambda m: possessive(thing, m.group(1)), question, count=1)
    return None


def about_instead(follow_up: str, last: Turn) -> str | None:
    """ "what about Y?" or "and about Y?" after "what did X say about Z?": the last question, about Y (its pronoun
    put for whom the last turn names); None when either is about nothing ("what about the maximum?" after "what
    is the default?")."""
    topic = ABOUT_FOLLOW_UP.match(follow_up)
    if not (topic and ABOUT_TAIL.search(last.question)):
        return None
    asked = ABOUT_TAIL.sub(lambda _: f"about {topic.group('topic')}?", last.question, count=1)
    return with_names(asked, last) or asked


def on_topic(question: str, last: Turn) -> str:
    """The question with the last one as its topic: "the maximum (what's the default glob weight)?"."""
    return f"{question.strip().rstrip(' ?')} ({last.question.strip().rstrip('?')})?"


def possessive(name: str, pronoun: str) -> str:
    return f"{name}’s" if pronoun.lower() in {"his", "her", "its", "their"} else name
