"""The citation check: what a language model wrote is kept only where the passages it was given support it.

Every `[n]` must name a passage the model was given; every quotation must appear in the passage it cites
(modulo whitespace, case and quote style); a quotation the sentence attributes to a person must be
attributed to that person in the source; every sentence must be covered by a passage it cites, or by one of
the given passages if it cites none. What fails is dropped and counted. Citations are built from the stored
document's text and offsets only, never from the model's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from bot.citations import Citation, attributed_quotes, same_person, speaker_of, without_quotes
from index.documents import Document
from index.lexical import terms
from index.passages import Passage, sentence_spans

MARKER = re.compile(r"\[\s*(?:passages?\s*)?(\d+(?:\s*[,;]\s*(?:passages?\s*)?\d+)*)\s*\]", re.IGNORECASE)
MARKERS_AFTER_STOP = re.compile(r"([.!?…])((?:\s*\[[^\]\n]{1,40}\])+)")
QUOTATION = re.compile(r"[“\"]([^“”\"]{3,}?)[”\"]")
QUOTE_CLASSES = {"'": "['’‘`]", "’": "['’‘`]", "‘": "['’‘`]", '"': '["“”]', "“": '["“”]', "”": '["“”]'}
# Words about the passages rather than about the world ("the passage mentions ..."): they need no support.
META_WORDS = "passage passages article document documents text quote quotes mention mentioned specifically"
MIN_TERMS = 2  # a sentence needs two content words to state anything ("PWNED [1]" states nothing)
MIN_CLAUSE_TERMS = 3  # shorter clauses ("the passage is about a speech by Erdogan") are judged with the sentence
MIN_COVERAGE = 0.6  # share of a sentence's content words (and of each clause's) its passage must contain
CLAUSE_BREAK = re.compile(r"[,;:()]|\s(?:and|but|which|while|whereas|although|because)\s", re.IGNORECASE)
Documents = Callable[[str], Document]


@dataclass(frozen=True)
class Sentence:
    """One sentence of the model's reply: its words without markers, and the passage numbers it cites."""

    body: str
    cited: tuple[int, ...]


@dataclass(frozen=True)
class Support:
    """A passage that supports a sentence, and the exact document span to show for it."""

    passage: Passage
    start: int
    end: int


@dataclass(frozen=True)
class Checked:
    """The checked answer text (markers renumbered), its citations, and what the check threw away."""

    text: str
    citations: tuple[Citation, ...]
    kept_sentences: int
    rejected_sentences: int
    rejected_citations: int


def sentences(reply: str) -> list[Sentence]:
    """The reply split into sentences, each with the passage numbers its markers name."""
    text = MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", reply.strip())
    found = []
    for start, end in sentence_spans(text, 0, len(text)):
        piece = text[start:end]
        cited = tuple(int(n) for group in MARKER.findall(piece) for n in re.findall(r"\d+", group))
        body = re.sub(r"\s+([.,;:!?…])", r"\1", MARKER.sub(" ", piece))
        if not re.search(r"\w", body):
            continue  # a stray marker or punctuation, not a sentence
        found.append(Sentence(" ".join(body.split()), tuple(dict.fromkeys(cited))))
    return found


@lru_cache(maxsize=1)
def meta_terms() -> frozenset[str]:
    return frozenset(terms(META_WORDS))


def claim_terms(text: str) -> list[str]:
    """The distinct content terms of a sentence, less the words that only talk about the passages."""
    return [term for term in dict.fromkeys(terms(text)) if term not in meta_terms()]


@lru_cache(maxsize=32)
def document_terms(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def names_and_numbers(body: str) -> list[str]:
    """Terms of the capitalised words (past the first) and numbers outside the sentence's quotations."""
    words = without_quotes(body).split()[1:]
    picked = [word for word in words if word[:1].isupper() or any(char.isdigit() for char in word)]
    return [term for term in terms(" ".join(picked)) if term not in meta_terms()]


def covered(wanted: list[str], found: AbstractSet[str]) -> float:
    """Share of the terms present in `found`; a shared 5-letter prefix counts (lithuania/lithuanian)."""
    prefixes = {term[:5] for term in found if len(term) >= 5}
    hits = sum(1 for term in wanted if term in found or (len(term) >= 5 and term[:5] in prefixes))
    return hits / len(wanted) if wanted else 0.0


def quote_pattern(quote: str) -> re.Pattern[str]:
    """A pattern for the quotation as it may appear in the source: any whitespace, either quote style."""
    words = [
        "".join(QUOTE_CLASSES.get(char, re.escape(char)) for char in word) for word in quote.strip(" ,.;:!?…").split()
    ]
    return re.compile(r"\s+".join(words), re.IGNORECASE)


def locate(quote: str, passage: Passage) -> tuple[int, int] | None:
    """Absolute document offsets of the quotation inside the passage, or None when it is not there."""
    match = quote_pattern(quote).search(passage.text)
    return (passage.start + match.start(), passage.start + match.end()) if match else None


def attribution_holds(body: str, span: tuple[int, int], passage: Passage, document: Document) -> bool:
    """If the sentence names who said the quotation, the source must name the same person for it."""
    named, _ = speaker_of(without_quotes(body))
    if named is None:
        return True
    for quote in attributed_quotes(document.text, (passage.start, passage.end)):
        if quote.start <= span[0] and span[1] <= quote.end:
            return quote.speaker is not None and same_person(named, quote.speaker)
    return False


def quoted_support(body: str, passage: Passage, document: Document) -> Support | None:
    """The span covering the sentence's quotations, when all are in the passage and fairly attributed."""
    spans = []
    for quote in QUOTATION.findall(body):
        span = locate(quote, passage)
        if span is None or not attribution_holds(body, span, passage, document):
            return None
        spans.append(span)
    if not spans:
        return None
    return widened(document, passage, min(s for s, _ in spans), max(e for _, e in spans))


def widened(document: Document, passage: Passage, start: int, end: int) -> Support:
    """The whole sentences of the passage that the span [start, end) touches."""
    spans = sentence_spans(document.text, passage.start, passage.end)
    touched = [(s, e) for s, e in spans if s < end and e > start]
    if not touched:
        return Support(passage, passage.start, passage.end)
    return Support(passage, touched[0][0], touched[-1][1])


def clauses_covered(body: str, found: AbstractSet[str]) -> bool:
    """Each clause that states something must be covered too: a true half cannot carry a made-up one."""
    for clause in CLAUSE_BREAK.split(without_quotes(body)):
        wanted = claim_terms(clause)
        if len(wanted) >= MIN_CLAUSE_TERMS and covered(wanted, found) < MIN_COVERAGE:
            return False
    return True


def term_support(body: str, passage: Passage, document: Document) -> Support | None:
    """The passage sentence that best covers the sentence's words, when the passage covers enough of them."""
    wanted, found = claim_terms(body), set(terms(passage.text))
    if len(wanted) < MIN_TERMS or covered(wanted, found) < MIN_COVERAGE or not clauses_covered(body, found):
        return None
    scored = [
        (covered(wanted, set(terms(document.text[start:end]))), start, end)
        for start, end in sentence_spans(document.text, passage.start, passage.end)
    ]
    best = max(scored, key=lambda item: item[0], default=None)
    if best is None or best[0] < MIN_COVERAGE:
        return Support(passage, passage.start, passage.end)
    return Support(passage, best[1], best[2])


def support(sentence: Sentence, passage: Passage, documents: Documents) -> Support | None:
    """How the passage supports the sentence, or None: it must hold the quotations and cover the words."""
    document = documents(passage.source)
    if len(claim_terms(sentence.body)) < MIN_TERMS:
        return None
    named = names_and_numbers(sentence.body)
    if named and covered(named, document_terms(document.text)) < 1:
        return None  # a name or number the document never mentions ("Israeli", "1984") is made up
    if QUOTATION.search(sentence.body):
        quoted = quoted_support(sentence.body, passage, document)
        return quoted if quoted and term_support(sentence.body, passage, document) else None
    return term_support(sentence.body, passage, document)


def supports_of(sentence: Sentence, passages: Sequence[Passage], documents: Documents) -> list[Support]:
    """Supports from the passages the sentence cites; from the best given passage when it cites none."""
    if sentence.cited:
        chosen = [passages[n - 1] for n in sentence.cited if 1 <= n <= len(passages)]
        return [found for passage in chosen if (found := support(sentence, passage, documents))]
    supporting = [s for passage in passages if (s := support(sentence, passage, documents))]
    return supporting[:1]


class Numbering:
    """Gives each distinct exact span one citation number, in order of first use."""

    def __init__(self, documents: Documents) -> None:
        self.documents = documents
        self.citations: dict[tuple[str, int, int], Citation] = {}

    def number(self, found: Support) -> int:
        key = (found.passage.source, found.start, found.end)
        if key not in self.citations:
            document = self.documents(found.passage.source)
            self.citations[key] = Citation(
                len(self.citations) + 1,
                document.source,
                document.title,
                found.start,
                found.end,
                document.text[found.start : found.end],
                found.passage.doc_hash,
                found.passage.paragraph,
                document.url,
                found.passage.page,
            )
        return self.citations[key].n


def check(reply: str, passages: Sequence[Passage], documents: Documents) -> Checked:
    """Keep the supported sentences of a reply, each citing exact spans; count what was dropped."""
    numbering = Numbering(documents)
    kept: list[str] = []
    rejected_sentences = rejected_citations = 0
    for sentence in sentences(reply):
        found = supports_of(sentence, passages, documents)
        rejected_citations += len(sentence.cited) - len(found) if sentence.cited else 0
        if not found:
            rejected_sentences += 1
            continue
        markers = "".join(f"[{n}]" for n in dict.fromkeys(numbering.number(s) for s in found))
        kept.append(f"{sentence.body} {markers}")
    return Checked(
        " ".join(kept), tuple(numbering.citations.values()), len(kept), rejected_sentences, rejected_citations
    )
