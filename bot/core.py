"""The one function every front end calls: `Citebot.ask(question, conversation) -> Answer`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.answer import Answer, Answerer, TokenSink
from bot.citations import verify
from bot.config import Settings
from bot.conversation import Conversation
from bot.printable import CONTROL
from bot.retrieve import Retriever
from index.documents import Document, bundled_document
from index.embeddings import NamedEmbeddings
from index.errors import IndexMissing, QuestionError
from index.store import Store, open_client


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


class Citebot:
    """Retrieval, an answerer and the store, behind one `ask`."""

    def __init__(self, store: Store, retriever: Retriever, answerer: Answerer, settings: Settings) -> None:
        self.store = store
        self.retriever = retriever
        self.answerer = answerer
        self.settings = settings

    def ask(
        self,
        question: str,
        conversation: Conversation | None = None,
        *,
        sources: frozenset[str] | None = None,
        quotes_only: bool = False,
        on_token: TokenSink | None = None,
    ) -> Answer:
        """Answer from the indexed documents, every citation checked against the store."""
        started = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars)
        self.store.require_documents()
        scope = self.scope(sources)
        standalone = self.answerer.rewrite(question, conversation)
        retrieval = self.retriever.search(standalone, sources=scope)
        answer = self.answerer.answer(
            standalone, retrieval, self.scope_name(scope), quotes_only=quotes_only, on_token=on_token
        )
        for citation in answer.citations:
            verify(citation, self.store.document(citation.source))
        answer = replace(
            answer,
            question=question,
            latency_ms=(time.perf_counter() - started) * 1000,
            timings_ms={**retrieval.timings_ms, **answer.timings_ms},
        )
        if conversation is not None:
            conversation.add(question, answer)
        return answer

    def scope(self, sources: frozenset[str] | None) -> frozenset[str] | None:
        """Sources named by their full name, file name or title; an unknown one is an error."""
        if not sources:
            return None
        return frozenset(self.find_source(name) for name in sources)

    def find_source(self, name: str) -> str:
        catalog = self.store.catalog
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

    def scope_name(self, scope: frozenset[str] | None) -> str:
        """ "The article" when one document is in play, else "The documents"."""
        count = len(scope) if scope else len(self.store.catalog)
        return "The article" if count == 1 else "The documents"


def open_store(settings: Settings, embeddings: NamedEmbeddings) -> Store:
    """The store for these settings; a fresh one starts with the bundled article."""
    store = Store(
        open_client(settings.data_dir, settings.chroma_url, settings.chroma_timeout),
        embeddings,
        settings.collection,
    )
    if not store.catalog:
        store.add(bundled_document())
    return store


def embeddings_for(settings: Settings) -> NamedEmbeddings:
    """The configured embedding model: the bundled all-MiniLM-L6-v2, or `openai:MODEL` on the OpenAI API."""
    from index.embeddings import LOCAL_MODEL_NAME, LocalEmbeddings, OpenAIEmbeddings
    from index.errors import SettingsError

    if settings.embedding_model == LOCAL_MODEL_NAME:
        return LocalEmbeddings()
    if settings.embedding_model.startswith("openai:") and settings.llm_configured:
        from bot.llm import make_client

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
    from bot.answer import ExtractiveAnswerer
    from index.errors import SettingsError

    chosen = answerer or ("llm" if settings.llm_configured else "extractive")
    if chosen not in {"extractive", "llm"}:
        msg = f"Unknown answerer {chosen!r}; choose extractive or llm."
        raise SettingsError(msg)
    embeddings = embeddings or embeddings_for(settings)
    store = open_store(settings, embeddings)
    extractive = ExtractiveAnswerer(store, embeddings, settings.min_confidence)
    if chosen == "llm":
        from bot.llm import llm_answerer

        return Citebot(store, Retriever(store, embeddings), llm_answerer(settings, store, extractive), settings)
    return Citebot(store, Retriever(store, embeddings), extractive, settings)


def rebuild(settings: Settings, track: Callable[[list[Document]], Iterable[Document]] = iter) -> int:
    """Drop the passages and embed every stored document again with the configured model; `track` walks
    the documents (a front end's progress bar)."""
    from index.store import stored_documents

    client = open_client(settings.data_dir, settings.chroma_url, settings.chroma_timeout)
    documents = stored_documents(client, settings.collection)
    store = Store(client, embeddings_for(settings), settings.collection, fresh=True)
    for document in track(documents or [bundled_document()]):
        store.add(document, force=True)
    return len(documents)
