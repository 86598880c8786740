"""Citations: the Citation type, the check that a quote is its span, and who said a quotation.

A citation is only ever built from a stored document's text and offsets, and `verify` re-reads the span
from the store before a user sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.doc_stats import longest_names, names
from index.documents import Document
from index.passages import sentence_spans

# A quotation runs from its opening mark to the first closing one, or to the end of the text searched
QUOTATION = re.compile(r'“([^”]*+)”?|"([^"]*+)"?')
# Each quotation's speaker is searched for in the rest of its sentence, so a sentence of many quotations costs
# their number times its length: past this many it is not prose (a list of titles, a data dump) and its
# quotations are kept unattributed, which keeps the pass linear in the sentence's length.
MAX_ATTRIBUTED = 32
SPEECH_VERB = re.compile(
    r"\b(said|says|say|saying|told|tells|continued|added|announced|stated|wrote|tweeted|explained|"
    r"according to)\b"
)


@dataclass(frozen=True)
class Citation:
    """An exact span of a stored document version: `text == document.text[start:end]`."""

    n: int
    source: str
    title: str
    start: int
    end: int
    text: str
    doc_hash: str
    paragraph: int
    url: str | None = None
    page: int | None = None  # PDFs are cited by page

    @property
    def location(self) -> str:
        """Where the span is, as people refer to it: "page 3" in a PDF, else "paragraph 2"."""
        return f"page {self.page}" if self.page is not None else f"paragraph {self.paragraph}"

    def to_json(self) -> dict[str, object]:
        """The fields `ask --json` promises, in its order."""
        keys = ("n", "source", "title", "start", "end", "text")
        return {key: getattr(self, key) for key in keys}


class CitationMismatch(AssertionError):
    """A citation's text differs from its span: a bug, never shown to a user."""


def verify(citation: Citation, document: Document) -> Citation:
    """Return the citation if its text is exactly its span of the current document, else raise."""
    if document.sha256 != citation.doc_hash or document.text[citation.start : citation.end] != citation.text:
        msg = f"citation [{citation.n}] does not match {citation.source}[{citation.start}:{citation.end}]"
        raise CitationMismatch(msg)
    return citation


@dataclass(frozen=True)
class Quote:
    """A quotation inside a sentence, and who the sentence says spoke it (None when unclear)."""

    start: int  # of the quoted words, inside the quote marks
    end: int
    speaker: str | None
    verb: str | None


def quotes_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of top-level quotations in text[start:end], marks excluded; unclosed ones run to the end."""
    return [match.span(match.lastindex or 0) for match in QUOTATION.finditer(text, start, end)]


def attributed_quotes(text: str, paragraph: tuple[int, int]) -> list[Quote]:
    """Every quotation in a paragraph with the speaker its own sentence names."""
    found = []
    for s_start, s_end in sentence_spans(text, *paragraph):
        quotes = quotes_in(text, s_start, s_end)
        for q_start, q_end in quotes:
            speaker, verb = None, None
            if len(quotes) <= MAX_ATTRIBUTED:
                outside = text[s_start : max(s_start, q_start - 1)] + " " + text[min(s_end, q_end + 1) : s_end]
                speaker, verb = speaker_of(without_quotes(outside))
            found.append(Quote(q_start, q_end, speaker, verb))
    return found


def without_quotes(text: str) -> str:
    return re.sub(r"“[^”]*”?|\"[^\"]*\"?", " ", text)


def speaker_of(outside: str) -> tuple[str | None, str | None]:
    """The name next to the first speech verb outside the quotation ("Erdogan said", "said Reuters")."""
    for verb in SPEECH_VERB.finditer(outside):
        before = names(outside[max(0, verb.start() - 120) : verb.start()])
        after = names(outside[verb.end() : verb.end() + 60])
        if verb.group(1) == "according to":
            if after:
                return after[0], "according to"
        elif verb.group(1) != "saying" and before and outside[: verb.start()].rstrip().endswith(before[-1]):
            return before[-1], verb.group(1)
        elif subject := subject_of(outside[: verb.start()]):
            return subject, verb.group(1)
        elif after and outside[verb.end() :].lstrip().startswith(after[0]):
            return after[0], verb.group(1)
        else:
            return None, verb.group(1)
    return None, None


def subject_of(clause: str) -> str | None:
    """The first name of a clause that ends in a verb like "saying" ("During it Bayraktar also spoke … saying")."""
    found = names(clause)
    return found[0] if found and not re.search(r"\b(the company|the firm|it|they)\s*$", clause.strip()) else None


def full_name(text: str, name: str) -> str:
    """The longest form of a name in the text that ends with its last word ("Bayraktar" -> "Haluk Bayraktar")."""
    return name_in(longest_names(text), name)


def name_in(longest: dict[str, str], name: str) -> str:
    """The longest form of `name` among a document's longest names (index.doc_stats.longest_names)."""
    return longest.get(name.split()[-1], name)


def same_person(asked: str, speaker: str) -> bool:
    """Whether the name in a question and a quotation's speaker share a capitalised word."""
    asked_words = {word.lower() for word in re.findall(r"[\w’'-]+", asked) if word[:1].isupper()}
    speaker_words = {word.lower() for word in re.findall(r"[\w’'-]+", speaker)}
    return bool(asked_words & speaker_words)
