"""Answerers: the extractive default (no LLM) and the interface the LLM answerer also implements."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np

from bot import features
from bot.citations import Citation, Quote, attributed_quotes, full_name, same_person
from bot.confidence import shipped
from bot.question import content_words, expected_kind, indirect, weights
from bot.retrieve import Retrieval
from bot.speakers import ASKED, asked_phrase, asked_speaker
from index.lexical import terms
from index.passages import Passage, make_passages, sentence_spans

if TYPE_CHECKING:
    from bot.conversation import Conversation
    from index.embeddings import NamedEmbeddings
    from index.store import Store

TokenSink = Callable[[str], None]


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
    confidence: float = 0.0  # the model's probability that the best sentence answers (also when abstaining)

    def to_json(self) -> dict[str, object]:
        """Exactly the shape `ask --json` prints."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [citation.to_json() for citation in self.citations],
            "latency_ms": round(self.latency_ms, 1),
            "answerer": self.answerer,
            "confidence": round(self.confidence, 3),
        }


class Answerer(Protocol):
    name: str

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        """A follow-up as a standalone question."""
        ...

    def answer(
        self,
        question: str,
        retrieval: Retrieval,
        scope: str,
        *,
        quotes_only: bool = False,
        on_token: TokenSink | None = None,
    ) -> Answer:
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


SYNONYM = 0.65
COVERAGE_WEIGHT = 1.5  # covering the question's rare words matters more than overall similarity
MAX_CACHED_VECTORS = 100_000
SECOND_CITATION = 0.9  # a runner-up this close to the best sentence's probability is cited too
TWO_PARTS = re.compile(r",?\s+and\s+(?=(?:what|who|when|where|which|how|why)\b)", re.IGNORECASE)
PRONOUN = re.compile(r"\b(?:he|she|it|they|him|her|them)\b", re.IGNORECASE)
SUBJECT = re.compile(r"^\s*(?:who|what)\s+(?:is|are|was|were)\s+(?P<subject>.+?)\s*$", re.IGNORECASE)
Ranked = list[tuple[Candidate, float]]


def matches(term: str, found: set[str]) -> bool:
    """A term is present when a stem matches, or shares a 5-letter prefix (lithuania/lithuanian)."""
    return term in found or any(len(term) >= 5 and other[:5] == term[:5] for other in found)


def parts(question: str) -> list[str]:
    """A two-part question ("who is X and what did he say about Y?") as its parts, the pronoun of the second
    replaced by the subject of the first; any other question as itself."""
    split = TWO_PARTS.split(question.strip().rstrip("?"), maxsplit=1)
    if len(split) < 2:
        return [question]
    subject = SUBJECT.match(split[0])
    second = PRONOUN.sub(subject.group("subject"), split[1], count=1) if subject else split[1]
    return [split[0], second]


class ExtractiveAnswerer:
    """Picks the sentences that answer the question and cites them; abstains when none does."""

    name = "extractive"

    def __init__(self, store: Store, embeddings: NamedEmbeddings, min_confidence: float | None = None) -> None:
        self.store = store
        self.embeddings = embeddings
        self.model = shipped()
        self.threshold = self.model.threshold if min_confidence is None else min_confidence
        self.vectors: dict[str, np.ndarray] = {}  # sentence or word -> embedding; the corpus rarely changes
        self.texts: dict[tuple[str, str], str] = {}  # (source, version) -> text, read once from the store
        self.document_terms: dict[tuple[str, str], list[set[str]]] = {}  # (source, version) -> each sentence's terms

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        from bot.conversation import resolve_references

        return resolve_references(question, conversation)

    def answer(
        self,
        question: str,
        retrieval: Retrieval,
        scope: str,
        *,
        quotes_only: bool = False,
        on_token: TokenSink | None = None,
    ) -> Answer:
        pieces = parts(question)
        ranked = [self.ranked(piece, self.for_part(piece, question, retrieval)) for piece in pieces]
        best = [r[0] for r in ranked if r and r[0][1] >= self.threshold]
        confidence = min((p for _, p in best), default=max((r[0][1] for r in ranked if r), default=0.0))
        if len(pieces) == 1 and best:
            best += [(c, p) for c, p in ranked[0][1:2] if p >= max(self.threshold, SECOND_CITATION * best[0][1])]
        who = self.speaker(question, retrieval)
        if who and len(pieces) == 1:
            return replace(self.answer_speaker(question, ranked[0], who, scope, quotes_only), confidence=confidence)
        if not best:
            return replace(abstention(question, scope), confidence=confidence)
        chosen = list({id(c): c for c, _ in best}.values())
        citations = tuple(self.cite(n, candidate) for n, candidate in enumerate(chosen, start=1))
        if quotes_only:
            text = " ".join(c.text for c in citations)
        else:
            text = " ".join(f"{c.text} [{c.n}]" for c in citations)
        return Answer(question, text, False, citations, confidence=confidence)

    def for_part(self, part: str, question: str, retrieval: Retrieval) -> Retrieval:
        """The retrieval with the part's own query vector, so each part is compared with what it asks."""
        if part == question:
            return retrieval
        return replace(retrieval, query_vector=self.embeddings.embed_query(part))

    def speaker(self, question: str, retrieval: Retrieval) -> str | None:
        """The person a "what did X say" question asks about, resolved in the retrieved documents."""
        texts = [self.text_of(p) for p in {hit.passage.doc_hash: hit.passage for hit in retrieval.hits}.values()]
        return asked_speaker(question, texts)

    def ranked(self, question: str, retrieval: Retrieval) -> Ranked:
        """The candidate sentences, most probable answer first, with their probabilities."""
        candidates, rows = self.judge(question, retrieval)
        probabilities = self.model.probabilities(rows)
        return sorted(zip(candidates, probabilities.tolist(), strict=True), key=lambda pair: -pair[1])

    def judge(self, question: str, retrieval: Retrieval) -> tuple[list[Candidate], np.ndarray]:
        """The candidates that can answer (of the asked kind, for "how many" or "when") and their features."""
        who = self.speaker(question, retrieval)
        kind = expected_kind(question)
        candidates = [c for c in self.score(question, retrieval, who) if kind is None or kind(c.text)]
        asked_terms = set(terms(who)) if who else set()
        words = {stem: word for word in content_words(question) for stem in terms(word) if stem not in asked_terms}
        documents = {c.passage.doc_hash: c.passage for c in candidates}
        weight = {key: weights(list(words), self.sentence_terms(passage)) for key, passage in documents.items()}
        judged = [self.measure(retrieval, c, who, words, weight[c.passage.doc_hash]) for c in candidates]
        return candidates, features.matrix(question, judged)

    def measure(
        self,
        retrieval: Retrieval,
        candidate: Candidate,
        who: str | None,
        words: dict[str, str],
        weight: dict[str, float],
    ) -> features.Judged:
        """What the confidence model needs to know about one candidate."""
        query = np.asarray(retrieval.query_vector)
        own, before = self.embed([candidate.text, candidate.context or candidate.text])
        joint = own + before
        exact, missing = features.term_shares(words, weight, set(terms(candidate.text)))
        quoted = any(q.speaker and same_person(who, q.speaker) for q in self.quotes(candidate)) if who else None
        return features.Judged(
            dense=candidate.dense,
            dense_context=float(joint @ query / (np.linalg.norm(joint) or 1.0)),
            retrieval=next((hit.score for hit in retrieval.hits if hit.passage.id == candidate.passage.id), 0.0),
            coverage=candidate.coverage,
            exact=exact,
            missing=missing,
            text=candidate.text,
            context=candidate.context,
            speaker=quoted,
        )

    def answer_speaker(self, question: str, ranked: Ranked, who: str, scope: str, quotes_only: bool) -> Answer:
        """Quote what the documents attribute to the person asked about, naming them: the most probable of
        their quotations on the question's topic, or, when the question names no topic, the first one."""
        quoted = [
            (candidate, probability, quote)
            for candidate, probability in ranked
            for quote in self.quotes(candidate)
            if quote.speaker and same_person(who, quote.speaker)
        ]
        if not quoted:
            return abstention(question, scope, f"quote {who} on that")
        if topic(question, who):
            candidate, probability, quote = quoted[0]
            if probability < self.threshold:
                return abstention(question, scope, f"report {who} saying that")
        else:
            candidate, probability, quote = min(quoted, key=lambda item: item[0].start)
        citation = self.cite(1, candidate)
        if quotes_only:
            return Answer(question, citation.text, False, (citation,))
        speaker = full_name(self.text_of(candidate.passage), quote.speaker or who)
        words = candidate.passage.text[quote.start - candidate.passage.start : quote.end - candidate.passage.start]
        text = f"{speaker} {said_phrase(candidate.text)}: “{words.strip().rstrip(',')}” [1]"
        return Answer(question, text, False, (citation,))

    def quotes(self, candidate: Candidate) -> list[Quote]:
        """Quotations that begin inside this candidate sentence, with absolute offsets."""
        return attributed_quotes(self.text_of(candidate.passage), (candidate.start, candidate.end))

    def score(self, question: str, retrieval: Retrieval, who: str | None) -> list[Candidate]:
        """Every sentence of the retrieved passages with its similarity and weighted term coverage."""
        asked_terms = set(terms(who)) if who else set()
        words = {stem: word for word in content_words(question) for stem in terms(word) if stem not in asked_terms}
        candidates = [c for hit in retrieval.hits for c in self.sentences(hit.passage)]
        found = [(set(terms(c.text)), set(terms(c.context))) for c in candidates]
        documents = {hit.passage.doc_hash: hit.passage for hit in retrieval.hits}
        weight = {key: weights(list(words), self.sentence_terms(passage)) for key, passage in documents.items()}
        vectors = self.embed([candidate.text for candidate in candidates])
        query = np.asarray(retrieval.query_vector)
        return [
            replace(
                candidate,
                dense=float(vector @ query),
                coverage=self.coverage(words, weight[candidate.passage.doc_hash], candidate.text, own, context),
            )
            for candidate, vector, (own, context) in zip(candidates, vectors, found, strict=True)
        ]

    def sentence_terms(self, passage: Passage) -> list[set[str]]:
        """The terms of every sentence of the passage's document, which weigh the question's words: rare in
        the document, important. Other documents, however many, cannot change how its sentences compare."""
        key = (passage.source, passage.doc_hash)
        if key not in self.document_terms:
            text = self.text_of(passage)
            self.document_terms[key] = [
                set(terms(text[start:end]))
                for part in make_passages(passage.source, passage.doc_hash, text)
                for start, end in sentence_spans(text, part.start, part.end)
            ]
        return self.document_terms[key]

    def coverage(
        self, words: dict[str, str], weight: dict[str, float], text: str, own: set[str], context: set[str]
    ) -> float:
        """Weighted share of the question's terms in the sentence: exact, by meaning, or in the sentence before."""
        if not words:
            return 0.0
        got = 0.0
        for term, word in words.items():
            if matches(term, own):
                got += weight[term]
            elif word.islower() and (similar := self.closest_word(word, text)) >= SYNONYM:
                got += weight[term] * similar
            elif matches(term, context):
                got += weight[term] / 2
        return got / sum(weight.values())

    def closest_word(self, word: str, text: str) -> float:
        """The highest similarity between a question word and any word of the sentence ("money" ~ "funds")."""
        others = content_words(text)
        if not others:
            return 0.0
        vectors = self.embed([word, *others])
        return float(np.max(np.stack(vectors[1:]) @ vectors[0]))

    def sentences(self, passage: Passage) -> list[Candidate]:
        text = self.text_of(passage)
        spans = sentence_spans(text, passage.start, passage.end)
        before = sentence_spans(text, max(0, passage.start - 600), passage.start)[-1:] or [(0, 0)]
        previous = [*before, *spans[:-1]]
        return [
            Candidate(passage, start, end, text[p_start:p_end])
            for (start, end), (p_start, p_end) in zip(spans, previous, strict=True)
        ]

    def text_of(self, passage: Passage) -> str:
        """The full text of the document version a passage belongs to (citations are re-checked by the core)."""
        key = (passage.source, passage.doc_hash)
        if key not in self.texts:
            self.texts[key] = self.store.document(passage.source).text
        return self.texts[key]

    def embed(self, texts: list[str]) -> list[np.ndarray]:
        missing = list(dict.fromkeys(text for text in texts if text not in self.vectors))
        if missing:
            if len(self.vectors) > MAX_CACHED_VECTORS:
                self.vectors.clear()  # bounded memory for a long-running bot over a large corpus
            vectors = self.embeddings.embed_documents(missing)
            self.vectors.update(
                (text, np.asarray(vector, dtype=np.float32)) for text, vector in zip(missing, vectors, strict=True)
            )
        return [self.vectors[text] for text in texts]

    def cite(self, n: int, candidate: Candidate) -> Citation:
        info = self.store.catalog[candidate.passage.source]
        return Citation(
            n,
            info.source,
            info.title,
            candidate.start,
            candidate.end,
            candidate.text,
            candidate.passage.doc_hash,
            candidate.passage.paragraph,
            info.url,
            candidate.passage.page,
        )


def topic(question: str, who: str) -> bool:
    """Whether a "what did X say" question asks about something ("about Russia"), not just for X's words."""
    asked = set(terms(who)) | set(terms(asked_phrase(question) or ""))
    return any(stem not in asked for stem in terms(ASKED.sub(" ", question)))


def said_phrase(sentence: str) -> str:
    """ "told CNN" when the sentence says whom they told, else "said"."""
    told = re.search(r"\btold ([A-Z][\w]*(?: [A-Z][\w]*)*)", sentence)
    return f"told {told.group(1)}" if told else "said"


def abstention(question: str, scope: str, what: str | None = None) -> Answer:
    """An answer that says the documents do not answer, and cites nothing."""
    text = f"{scope} doesn't {what}." if what else f"{scope} doesn't say {indirect(question)}."
    return Answer(question, text, True)
