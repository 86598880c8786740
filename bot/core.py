"""The one surface the front ends use: `Citebot.ask`, and the document and knowledge-base operations."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace

from bot.answering.answer import Answer, Answerer, TokenSink
from bot.answering.citations import Citation, CitationMismatch
from bot.answering.conversation import Conversation, on_topic
from bot.answering.question import unframed, without_topic
from bot.answering.spelling import mended
from bot.config import Settings
from bot.knowledge import KnowledgeBases, Track
from bot.printable import CONTROL
from bot.retrieve import Retrieval, Retriever
from index.documents import Document
from index.embeddings import NamedEmbeddings
from index.errors import IndexMissing, QuestionError
from index.storage.consistency import CitedSpan
from index.storage.context import Context
from index.storage.layout import DEFAULT_KB as DEFAULT_KB  # re-exported: front ends import it from here
from index.storage.records import AddResult, DocumentInfo
from index.storage.store import Progress, Store, open_client

Answering = Callable[[Store], tuple[Retriever, Answerer]]
Wrap = Callable[[Answerer], Answerer]


def clean_question(question: str, limit: int) -> str:
    """The question without control characters, or a QuestionError saying what is wrong with it."""
    cleaned = " ".join(CONTROL.sub(" ", question).split())
    if not cleaned:
        msg = "The question is empty; ask something about the documents."
        raise QuestionError(msg)
    if len(cleaned) > limit:
        msg = f"The question is {len(cleaned):,} characters long; the limit is {limit:,}. Please shorten it."
        raise QuestionError(msg)
    return cleaned


def verify(citation: Citation, context: Context) -> None:
    """Raise unless the citation's text is exactly its span of the document version it names, as read for
    this answer (the window it was cut from)."""
    if context.span(citation.source, citation.doc_hash, citation.start, citation.end) != citation.text:
        msg = f"citation [{citation.n}] does not match {citation.source}[{citation.start}:{citation.end}]"
        raise CitationMismatch(msg)


@dataclass
class Parts:
    """One knowledge base's store, with the retriever and answerer built on it."""

    store: Store
    retriever: Retriever
    answerer: Answerer


class Citebot:
    """Retrieval, an answerer and the store of each knowledge base, behind `ask` and the document operations.

    Front ends never touch a Store: every read and write of documents goes through here, and every write
    takes the index's write lock inside.
    """

    def __init__(self, bases: KnowledgeBases, answering: Answering, settings: Settings) -> None:
        self.bases = bases
        self.answering = answering  # builds a KB's retriever and answerer on its store
        self.settings = settings
        self.parts: dict[str, Parts] = {}

    def parts_of(self, name: str) -> Parts:
        """The KB's parts, built on first use (and again when the KB was deleted and made anew)."""
        store = self.bases.store(name)
        parts = self.parts.get(name)
        if parts is None or parts.store is not store:
            parts = self.parts[name] = Parts(store, *self.answering(store))
        return parts

    def use_answerer(self, wrap: Wrap) -> None:
        """Answer in every KB, open now or later, with wrap(the answerer built for it): the one way to change
        answerers after `build` (tests slow it down or make it fail)."""
        answering = self.answering

        def wrapped(store: Store) -> tuple[Retriever, Answerer]:
            retriever, answerer = answering(store)
            return retriever, wrap(answerer)

        self.answering = wrapped
        for parts in self.parts.values():
            parts.answerer = wrap(parts.answerer)

    # read-only views of the `default` KB's parts, for benchmarks and tests that drive them directly
    store = property(lambda self: self.parts_of(DEFAULT_KB).store)
    retriever = property(lambda self: self.parts_of(DEFAULT_KB).retriever)
    answerer = property(lambda self: self.parts_of(DEFAULT_KB).answerer)

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        *,
        kb: str = DEFAULT_KB,
        sources: frozenset[str] | None = None,
        quotes_only: bool = False,
        on_token: TokenSink | None = None,
    ) -> Answer:
        """Answer from the KB's documents, every citation checked against the text retrieval read.

        The KB is refreshed first (other processes' writes); after that, retrieval reads the store once and
        nothing else reads or changes it."""
        started = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars)
        self.bases.refresh(kb)
        parts = self.parts_of(kb)
        parts.store.require_documents()
        scope = frozenset(self.find_source(name, kb=kb) for name in sources) if sources else None
        standalone = parts.answerer.rewrite(asked := unframed(question), conversation)
        answer, retrieval = self.answered(parts, standalone, scope, quotes_only, on_token)
        last = conversation.last() if conversation else None
        if answer.abstained and answer.confidence is not None and last and standalone.casefold() == asked.casefold():
            # a follow-up may name neither its topic nor anyone ("where would the factory be?"): the answerer
            # that measures its doubt is asked again with the last question as the topic
            topical, read = self.answered(parts, on_topic(asked, last), scope, quotes_only, on_token)
            answer, retrieval = (answer, retrieval) if topical.abstained else (topical, read)
        for citation in answer.citations:
            verify(citation, retrieval.context)
        answer = replace(
            answer,
            question=question,
            latency_ms=(time.perf_counter() - started) * 1000,
            timings_ms={**retrieval.timings_ms, **answer.timings_ms},
        )
        if conversation is not None:  # as read, its pronouns resolved, for the next follow-up's (not its topic)
            conversation.add(standalone if without_topic(standalone) == standalone else asked, answer.text)
        return answer

    def answered(
        self,
        parts: Parts,
        question: str,
        scope: frozenset[str] | None,
        quotes_only: bool,
        on_token: TokenSink | None,
    ) -> tuple[Answer, Retrieval]:
        """One retrieval and answer, misspelt words read as the documents' words, and what retrieval read (the
        citations are checked against it)."""
        question = mended(question, parts.store.lexical_index().frequency)
        retrieval = parts.retriever.search(question, sources=scope)
        count = len(scope) if scope else len(parts.store.catalog)
        answer = parts.answerer.answer(
            question,
            retrieval,
            "The article" if count == 1 else "The documents",
            quotes_only=quotes_only,
            on_token=on_token,
        )
        return answer, retrieval

    def add_document(self, document: Document, *, kb: str = DEFAULT_KB, progress: Progress | None = None) -> AddResult:
        """Index a document in the KB (a changed version replaces the old one), under the write lock."""
        store = self.parts_of(kb).store
        with self.bases.writing():
            return store.add(document, progress)

    def remove_document(self, name: str, *, kb: str = DEFAULT_KB) -> DocumentInfo:
        """Forget a document named by its full source, file name or title, under the write lock."""
        store = self.parts_of(kb).store
        with self.bases.writing():
            return store.remove(self.find_source(name, kb=kb))

    def documents(self, *, kb: str = DEFAULT_KB) -> list[DocumentInfo]:
        """The KB's documents, oldest first."""
        return self.parts_of(kb).store.documents()

    def document(self, name: str, *, kb: str = DEFAULT_KB) -> Document:
        """One document of the KB with its exact text."""
        return self.parts_of(kb).store.document(self.find_source(name, kb=kb))

    def find_source(self, name: str, *, kb: str = DEFAULT_KB) -> str:
        """The source of the one document called `name` (full source, file name or title) in the KB."""
        catalog = self.parts_of(kb).store.catalog
        matches = [
            info.source
            for info in catalog.values()
            if name in {info.source, info.source.rsplit("/", 1)[-1], info.title}
        ]
        if len(matches) > 1:
            paths = ", ".join(sorted(matches))
            msg = f"{len(matches)} documents are called {name!r}: {paths}; name one by its full path"
            raise IndexMissing(msg)
        if not matches:
            known = ", ".join(sorted(info.source.rsplit("/", 1)[-1] for info in catalog.values()))
            msg = f"No document matches {name!r}; indexed: {known}"
            raise IndexMissing(msg)
        return matches[0]

    def check(self, *, kb: str = DEFAULT_KB) -> list[str]:
        """Every inconsistency of the KB's index with its documents, one line each."""
        from index.storage.consistency import check

        return check(self.parts_of(kb).store)

    def is_stale(self, citation: CitedSpan, *, kb: str = DEFAULT_KB) -> bool:
        """Whether a stored citation no longer quotes the current version of its document."""
        from index.storage.consistency import is_stale

        return is_stale(citation, self.parts_of(kb).store)

    def knowledge_bases(self) -> list[str]:
        """Every KB's name, `default` first."""
        return self.bases.names()

    def has_kb(self, name: str) -> bool:
        return self.bases.exists(name)

    def create_kb(self, name: str) -> None:
        """A new, empty KB; KnowledgeBaseError if the name is taken or not allowed."""
        self.bases.create(name)

    def delete_kb(self, name: str) -> None:
        """Delete a KB with its documents and passages; `default` cannot be deleted."""
        self.bases.delete(name)
        self.parts.pop(name, None)

    def copy_kb(self, source: str, target: str) -> None:
        """A new KB with `source`'s documents and their passages, vectors included (nothing re-embedded)."""
        self.bases.copy(source, target)

    def rebuild(self, *, kb: str = DEFAULT_KB, track: Track = iter) -> int:
        """Embed every stored document of the KB again with the configured model (`index rebuild`), under the
        write lock; returns how many documents were stored."""
        return self.bases.rebuild(kb, track)

    def writing(self) -> AbstractContextManager[None]:
        """Hold the index's write lock across several writes (IndexLocked when another process has it); the
        writes inside take it again, as this process's."""
        return self.bases.writing()

    def ensure_kb(self, name: str, *, seed_from: str | None = DEFAULT_KB) -> None:
        """Create the KB on first use, as a copy of `seed_from` (empty when None); an existing one is kept."""
        with self.bases.writing():
            if self.has_kb(name):
                return
            if seed_from is None:
                self.create_kb(name)
            else:
                self.copy_kb(seed_from, name)


def embeddings_for(settings: Settings) -> NamedEmbeddings:
    """The configured embedding model: the bundled all-MiniLM-L6-v2, or `openai:MODEL` on the OpenAI API."""
    from index.embeddings import LOCAL_MODEL_NAME, LocalEmbeddings, OpenAIEmbeddings
    from index.errors import SettingsError

    if settings.embedding_model == LOCAL_MODEL_NAME:
        return LocalEmbeddings()
    if settings.embedding_model.startswith("openai:") and settings.llm_configured:
        from bot.llm.client import make_client

        model = settings.embedding_model.removeprefix("openai:")
        return OpenAIEmbeddings(make_client(settings), model, settings.embedding_dimension)
    msg = (
        f"CITEBOT_EMBEDDING_MODEL={settings.embedding_model!r} is not usable: choose {LOCAL_MODEL_NAME} "
        "(offline) or openai:MODEL with OPENAI_API_KEY or OPENAI_BASE_URL set."
    )
    raise SettingsError(msg)


def build(settings: Settings, embeddings: NamedEmbeddings | None = None, answerer: str | None = None) -> Citebot:
    """Wire the real parts together; front ends call this once at start-up.

    `answerer` is "extractive" or "llm"; by default the LLM when one is configured, with the extractive
    answerer as its fallback.
    """
    from bot.answering.candidates import WINDOW
    from bot.answering.extractive import ExtractiveAnswerer
    from index.errors import SettingsError

    chosen = answerer or ("llm" if settings.llm_configured else "extractive")
    if chosen not in {"extractive", "llm"}:
        msg = f"Unknown answerer {chosen!r}; choose extractive or llm."
        raise SettingsError(msg)
    embeddings = embeddings or embeddings_for(settings)
    bases = KnowledgeBases(
        settings, embeddings, open_client(settings.data_dir, settings.chroma_url, settings.chroma_timeout)
    )

    def answering(store: Store) -> tuple[Retriever, Answerer]:
        extractive = ExtractiveAnswerer(embeddings, settings.min_confidence)
        retriever = Retriever(store, embeddings, around=WINDOW, whole=chosen == "llm")
        if chosen == "llm":
            from bot.llm.answerer import llm_answerer

            return retriever, llm_answerer(settings, extractive)
        return retriever, extractive

    return Citebot(bases, answering, settings)
