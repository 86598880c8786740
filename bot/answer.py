"""Answerers: the extractive default (no LLM) and the interface the LLM answerer also implements."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from bot.citations import Citation, Quote, attributed_quotes, full_name, same_person
from bot.retrieve import Retrieval
from index.lexical import terms
from index.passages import Passage, sentence_spans

if TYPE_CHECKING:
    from bot.conversation import Conversation
    from index.embeddings import NamedEmbeddings
    from index.store import Store

TokenSink = Callable[[str], None]
ASKED_SPEAKER = re.compile(
    r"\b(?:what|how)\s+(?:did|does|do|has|have|had)\s+(?P<who>.+?)\s+"
    r"(?:say|said|tell|told|state|claim|announce|think|reply|write|tweet|add)\b"
    r"(?:\s+(?:to\s+)?(?P<audience>[A-Z][\w ]*?))?(?:\s+(?:about|on|regarding)\s+(?P<topic>.+?))?\s*\??$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Answer:
    """What every front end renders: text with [n] markers and the citations those markers name."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    answerer: str = "extractive"
    latency_ms: float = 0.0
    notice: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, object]:
        """Exactly the shape `ask --json` prints."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [citation.to_json() for citation in self.citations],
            "latency_ms": round(self.latency_ms, 1),
            "answerer": self.answerer,
        }


class Answerer(Protocol):
    name: str

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        """A follow-up as a standalone question."""
        ...

    def answer(self, question: str, retrieval: Retrieval, scope: str, *, quotes_only: bool = False,
               on_token: TokenSink | None = None) -> Answer:
        """Answer from the retrieved passages only, citing them."""
        ...


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    passage: Passage
    start: int  # absolute offsets into the document
    end: int
    context: str  # the sentence before, which often names the topic a quotation is about
    dense: float = 0.0
    coverage: float = 0.0

    @property
    def text(self) -> str:
        return self.passage.text[self.start - self.passage.start : self.end - self.passage.start]

    @property
    def score(self) -> float:
        return self.dense + COVERAGE_WEIGHT * self.coverage


COVERAGE_WEIGHT = 0.6
MIN_DENSE, MIN_COVERAGE, SURE_DENSE = 0.30, 0.5, 0.62


def supported(candidate: Candidate) -> bool:
    """Whether a sentence answers the question well enough to be cited, rather than abstaining."""
    return candidate.dense >= SURE_DENSE or (
        candidate.dense >= MIN_DENSE and candidate.coverage >= MIN_COVERAGE
    )


def covered(wanted: list[str], found: set[str]) -> float:
    """Share of the question's terms present (a shared 5-letter prefix counts: lithuania/lithuanian)."""
    if not wanted:
        return 0.0
    hits = sum(1 for term in wanted if term in found or any(close(term, other) for other in found))
    return hits / len(wanted)


def close(a: str, b: str) -> bool:
    shorter = min(len(a), len(b))
    return shorter >= 4 and a[:shorter] == b[:shorter] or (shorter >= 5 and a[:5] == b[:5])


class ExtractiveAnswerer:
    """Picks the sentences that answer the question and cites them; abstains when none does."""

    name = "extractive"

    def __init__(self, store: Store, embeddings: NamedEmbeddings) -> None:
        self.store = store
        self.embeddings = embeddings
        self.vectors: dict[str, list[float]] = {}  # sentence text -> embedding; the corpus rarely changes

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        from bot.conversation import resolve_references

        return resolve_references(question, conversation)

    def answer(self, question: str, retrieval: Retrieval, scope: str, *, quotes_only: bool = False,
               on_token: TokenSink | None = None) -> Answer:
        asked = ASKED_SPEAKER.search(question)
        candidates = self.score(question, retrieval, asked.group("who") if asked else None)
        if asked:
            return self.answer_speaker(question, candidates, asked, scope, quotes_only)
        best = max(candidates, key=lambda c: c.score, default=None)
        if best is None or not supported(best):
            return abstention(question, scope)
        citation = self.cite(1, best)
        text = citation.text if quotes_only else f"{citation.text} [1]"
        return Answer(question, text, False, (citation,))

    def answer_speaker(self, question: str, candidates: list[Candidate], asked: re.Match[str], scope: str,
                       quotes_only: bool) -> Answer:
        """Quote what the documents attribute to the person asked about, naming them."""
        who = asked.group("who")
        quoted = [
            (candidate, quote)
            for candidate in candidates
            for quote in self.quotes(candidate)
            if quote.speaker and same_person(who, quote.speaker)
        ]
        if not quoted:
            return abstention(question, scope, f"quote {who} on that")
        candidate, quote = max(quoted, key=lambda pair: pair[0].score)
        if asked.group("topic") and not supported(candidate) and candidate.coverage == 0:
            return abstention(question, scope, f"report {who} saying anything about {asked.group('topic')}")
        citation = self.cite(1, candidate)
        if quotes_only:
            return Answer(question, citation.text, False, (citation,))
        speaker = full_name(self.store.document(candidate.passage.source).text, quote.speaker or who)
        words = candidate.passage.text[quote.start - candidate.passage.start : quote.end - candidate.passage.start]
        text = f"{speaker} {said_phrase(candidate.text)}: “{words.strip().rstrip(',')}” [1]"
        return Answer(question, text, False, (citation,))

    def quotes(self, candidate: Candidate) -> list[Quote]:
        """Quotations that begin inside this candidate sentence, with absolute offsets."""
        document = self.store.document(candidate.passage.source)
        return attributed_quotes(document.text, (candidate.start, candidate.end))

    def score(self, question: str, retrieval: Retrieval, who: str | None) -> list[Candidate]:
        """Every sentence of the retrieved passages with its similarity and term coverage."""
        wanted = [term for term in terms(question) if not who or term not in terms(who)]
        candidates = [c for hit in retrieval.hits for c in self.sentences(hit.passage)]
        vectors = self.embed([candidate.text for candidate in candidates])
        return [
            replace(
                candidate,
                dense=dot(vector, retrieval.query_vector),
                coverage=covered(wanted, set(terms(candidate.text)) | set(terms(candidate.context))),
            )
            for candidate, vector in zip(candidates, vectors, strict=True)
        ]

    def sentences(self, passage: Passage) -> list[Candidate]:
        document = self.store.document(passage.source)
        spans = sentence_spans(document.text, passage.start, passage.end)
        previous = [(max(0, passage.start - 300), passage.start), *spans[:-1]]
        return [
            Candidate(passage, start, end, document.text[p_start:p_end])
            for (start, end), (p_start, p_end) in zip(spans, previous, strict=True)
        ]

    def embed(self, texts: list[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(text for text in texts if text not in self.vectors))
        if missing:
            self.vectors.update(zip(missing, self.embeddings.embed_documents(missing), strict=True))
        return [self.vectors[text] for text in texts]

    def cite(self, n: int, candidate: Candidate) -> Citation:
        info = self.store.catalog[candidate.passage.source]
        return Citation(
            n, info.source, info.title, candidate.start, candidate.end, candidate.text,
            candidate.passage.doc_hash, candidate.passage.paragraph, info.url,
        )


def said_phrase(sentence: str) -> str:
    """"told CNN" when the sentence says whom they told, else "said"."""
    told = re.search(r"\btold ([A-Z][\w]*(?: [A-Z][\w]*)*)", sentence)
    return f"told {told.group(1)}" if told else "said"


def dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def abstention(question: str, scope: str, what: str | None = None) -> Answer:
    """An answer that says the documents do not answer, and cites nothing."""
    text = f"{scope} doesn't {what}." if what else f"{scope} doesn't say {indirect(question)}."
    return Answer(question, text, True)


INDIRECT = re.compile(
    r"^(?P<wh>(?:what|who|where|when|which|why|how(?: much| many| long| old| fast| far)?)(?: \w+)??)\s+"
    r"(?P<aux>is|are|was|were|does|do)\s+(?P<rest>.+?)\s*\?*$",
    re.IGNORECASE,
)


def indirect(question: str) -> str:
    """"What is the top speed of X?" -> "what the top speed of X is"; otherwise the question, quoted."""
    match = INDIRECT.match(question.strip())
    if not match:
        return f"the answer to “{question.strip()}”"
    wh, aux, rest = match.group("wh").lower(), match.group("aux").lower(), match.group("rest")
    if aux in {"does", "do"}:
        subject, _, verb = rest.rpartition(" ")
        return f"{wh} {subject} {verb}{'s' if aux == 'does' else ''}" if subject else f"the answer to “{question}”"
    return f"{wh} {rest} {aux}"
