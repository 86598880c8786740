"""The extractive answerer (the default, no LLM): `ExtractiveAnswerer` and the `Candidate` sentences it scores."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from bot.answering.answer import Answer, TokenSink, abstention
from bot.answering.citations import Citation, Quote, attributed_quotes, citation_of, name_in, same_person
from bot.answering.question import content_words, expected_kind, weights
from bot.retrieve import Retrieval
from index.passages import Passage, sentence_spans
from index.storage.lexical import matches, terms

if TYPE_CHECKING:
    from bot.answering.conversation import Conversation
    from index.embeddings import NamedEmbeddings
    from index.storage.doc_stats import DocumentStats
    from index.storage.store import Store

PRONOUNS = frozenset({"I"})  # capitalised, yet "How do I add ..." names the asker, not a speaker to quote
ASKED_SPEAKER = re.compile(
    r"\b(?:what|how)\s+(?:did|does|do|has|have|had)\s+(?P<who>.+?)\s+"
    r"(?:say|said|tell|told|state|claim|announce|think|reply|write|tweet|add)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored against the question."""

    passage: Passage
    start: int  # absolute offsets into the document
    end: int
    context: str  # the sentence before, which often names the topic a quotation is about
    dense: float = 0.0
    coverage: float = 0.0
    window: str = field(default="", repr=False)  # the document's text around the passage, read from the store
    window_start: int = 0  # where `window` starts in the document

    @property
    def text(self) -> str:
        return self.passage.text[self.start - self.passage.start : self.end - self.passage.start]

    @property
    def score(self) -> float:
        return self.dense + COVERAGE_WEIGHT * self.coverage


MIN_COVERAGE, MIN_DENSE, SYNONYM = 0.6, 0.2, 0.65
PARAPHRASE_DENSE, PARAPHRASE_COVERAGE = 0.64, 0.35
COVERAGE_WEIGHT = 1.5  # covering the question's rare words matters more than overall similarity
MAX_CACHED_VECTORS = 100_000
SECOND_CITATION = 0.75  # a runner-up this close to the best sentence is cited too
CONTEXT_CHARS = 600  # how far before a passage its first sentence's context is looked for
LOOK_BEHIND = 12  # what the splitter reads before a sentence end (the word an abbreviation's dot closes)


def supported(candidate: Candidate) -> bool:
    """Whether a sentence covers the question well enough to be cited, rather than abstaining: most of its
    weighted terms, or a close paraphrase (high similarity) that still shares some of them."""
    if candidate.coverage >= MIN_COVERAGE:
        return candidate.dense >= MIN_DENSE
    return candidate.dense >= PARAPHRASE_DENSE and candidate.coverage >= PARAPHRASE_COVERAGE


def asked_speaker(question: str) -> str | None:
    """The person in "what did X say/tell ...", when X is named (not "the company" or "they")."""
    asked = ASKED_SPEAKER.search(question)
    who = asked.group("who") if asked else ""
    named = [word for word in who.split() if word not in PRONOUNS]
    return who if any(word[:1].isupper() for word in named) else None


class ExtractiveAnswerer:
    """Picks the sentences that answer the question and cites them; abstains when none does."""

    name = "extractive"

    def __init__(self, store: Store, embeddings: NamedEmbeddings) -> None:
        self.store = store
        self.embeddings = embeddings
        self.vectors: dict[str, np.ndarray] = {}  # sentence or word -> embedding; the corpus rarely changes
        self.document_stats: dict[tuple[str, str], DocumentStats] = {}  # (source, version) -> its statistics

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        from bot.answering.conversation import resolve_references

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
        who = asked_speaker(question)
        candidates = self.score(question, retrieval, who)
        if who:
            return self.answer_speaker(question, candidates, who, scope, quotes_only)
        kind = expected_kind(question)
        ranked = sorted((c for c in candidates if kind is None or kind(c.text)), key=lambda c: -c.score)
        if not ranked or not supported(ranked[0]):
            return abstention(question, scope)
        chosen = [
            ranked[0],
            *(c for c in ranked[1:2] if supported(c) and c.score >= SECOND_CITATION * ranked[0].score),
        ]
        citations = tuple(self.cite(n, candidate) for n, candidate in enumerate(chosen, start=1))
        if quotes_only:
            return Answer(question, " ".join(c.text for c in citations), False, citations)
        return Answer(question, " ".join(f"{c.text} [{c.n}]" for c in citations), False, citations)

    def answer_speaker(
        self, question: str, candidates: list[Candidate], who: str, scope: str, quotes_only: bool
    ) -> Answer:
        """Quote what the documents attribute to the person asked about, naming them."""
        quoted = [
            (candidate, quote)
            for candidate in candidates
            for quote in self.quotes(candidate)
            if quote.speaker and same_person(who, quote.speaker)
        ]
        if not quoted:
            return abstention(question, scope, f"quote {who} on that")
        candidate, quote = max(quoted, key=lambda pair: pair[0].score)
        if candidate.coverage < MIN_COVERAGE / 2:
            return abstention(question, scope, f"report {who} saying that")
        citation = self.cite(1, candidate)
        if quotes_only:
            return Answer(question, citation.text, False, (citation,))
        speaker = name_in(self.stats_of(candidate.passage).names, quote.speaker or who)
        words = candidate.passage.text[quote.start - candidate.passage.start : quote.end - candidate.passage.start]
        text = f"{speaker} {said_phrase(candidate.text)}: “{words.strip().rstrip(',')}” [1]"
        return Answer(question, text, False, (citation,))

    def quotes(self, candidate: Candidate) -> list[Quote]:
        """Quotations that begin inside this candidate sentence, with absolute offsets."""
        base = candidate.window_start
        found = attributed_quotes(candidate.window, (candidate.start - base, candidate.end - base))
        return [replace(quote, start=quote.start + base, end=quote.end + base) for quote in found]

    def score(self, question: str, retrieval: Retrieval, who: str | None) -> list[Candidate]:
        """Every sentence of the retrieved passages with its similarity and weighted term coverage."""
        asked_terms = set(terms(who)) if who else set()
        words = {stem: word for word in content_words(question) for stem in terms(word) if stem not in asked_terms}
        candidates = [c for hit in retrieval.hits for c in self.sentences(hit.passage)]
        found = [(set(terms(c.text)), set(terms(c.context))) for c in candidates]
        documents = {hit.passage.doc_hash: hit.passage for hit in retrieval.hits}
        weight = {
            key: weights(list(words), stats.sentences, stats.containing)
            for key, passage in documents.items()
            for stats in [self.stats_of(passage)]
        }
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

    def stats_of(self, passage: Passage) -> DocumentStats:
        """The statistics of the passage's document, computed at ingest: its sentences' terms weigh the
        question's words (rare in the document, important), and other documents cannot change them."""
        key = (passage.source, passage.doc_hash)
        if key not in self.document_stats:
            self.document_stats[key] = self.store.stats.stats(*key)
        return self.document_stats[key]

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
        """The passage's sentences, each with the sentence before it; only the text around it is read."""
        base = max(0, passage.start - CONTEXT_CHARS - LOOK_BEHIND)
        text = self.store.stats.window(passage.source, passage.doc_hash, base, passage.end)
        spans = sentence_spans(text, passage.start - base, passage.end - base)
        before = sentence_spans(text, max(0, passage.start - CONTEXT_CHARS) - base, passage.start - base)
        previous = [*(before[-1:] or [(0, 0)]), *spans[:-1]]
        return [
            Candidate(passage, start + base, end + base, text[p_start:p_end], window=text, window_start=base)
            for (start, end), (p_start, p_end) in zip(spans, previous, strict=True)
        ]

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
        return citation_of(n, info, candidate.passage, candidate.start, candidate.end, candidate.text)


def said_phrase(sentence: str) -> str:
    """ "told CNN" when the sentence says whom they told, else "said"."""
    told = re.search(r"\btold ([A-Z][\w]*(?: [A-Z][\w]*)*)", sentence)
    return f"told {told.group(1)}" if told else "said"
