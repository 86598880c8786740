"""Data flows one way: one answer reads the store once (the retriever's batched read, and the stored vectors of
what the answerer has not met yet), and a question never reopens the client or re-reads the catalog outside the
core's explicit refresh."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from chromadb.api.models.Collection import Collection

import index.storage.chroma
import index.storage.store
from bot.answering.answer import Answer, Answerer
from bot.answering.conversation import Conversation
from bot.answering.extractive import ExtractiveAnswerer
from bot.core import DEFAULT_KB, Citebot
from bot.retrieve import Retrieval
from index.documents import Document
from index.storage.chroma import Writes
from index.storage.doc_stats import DocumentStats
from index.storage.store import Store
from tests.helpers import model_calls

QUESTION = "Who wants Baykar to build a drone factory in Russia?"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts reads of the Chroma collections, as "<collection kind>.<get|query>", and client reopenings."""
    counts: Counter[str] = Counter()

    def counting(method: str) -> Any:
        original = getattr(Collection, method)

        def counted(self: Collection, *args: Any, **kwargs: Any) -> Any:
            counts[f"{self.name.rsplit('_', 1)[-1]}.{method}"] += 1
            return original(self, *args, **kwargs)

        return counted

    for method in ("get", "query"):
        monkeypatch.setattr(Collection, method, counting(method))
    original_reopen = index.storage.chroma.reopen

    def reopen(client: Any) -> Any:
        counts["reopen"] += 1
        return original_reopen(client)

    monkeypatch.setattr(index.storage.store, "reopen", reopen)
    yield counts


def test_one_answer_reads_the_store_once(bot: Citebot, reads: Counter[str]) -> None:
    """The dense search, then one batched read of the hits' windows and statistics, and one of the vectors stored
    for what the answerer has not met yet (none once it has); nothing re-reads a document to check the citations."""
    bot.ask("Where is Baykar located?")  # builds the lexical index and opens the store
    bot.store.catalog_read_at = float("inf")  # the catalog is fresh: no refresh is due
    reads.clear()
    answer = bot.ask(QUESTION)
    assert answer.citations
    assert dict(reads) == {"passages.query": 1, "stats.get": 1, "vectors.get": 1}
    reads.clear()
    bot.ask(QUESTION)
    assert dict(reads) == {"passages.query": 1, "stats.get": 1}


def test_a_question_neither_refreshes_nor_reopens(bot: Citebot, reads: Counter[str]) -> None:
    """Retrieval and answering only read, even when a refresh is due and another writer changed the index:
    refreshing (which may reopen the client) is the core's own step."""
    bot.ask("Where is Baykar located?")
    other = Store(bot.store.client, bot.store.embeddings, bot.store.name)  # as another process would write
    other.add(Document("kestrel.txt", "Kestrel notes", "The kestrel hovers above fields while hunting voles.\n"))
    Writes.by_folder.clear()  # another process's write is not in this process's record of its own
    bot.store.catalog_read_at = float("-inf")  # a refresh would be due at once
    reads.clear()
    retrieval = bot.retriever.search(QUESTION)
    assert bot.answerer.answer(QUESTION, retrieval, "The article").citations
    assert reads["documents.get"] == 0  # the catalog is not re-read
    assert reads["reopen"] == 0
    bot.ask(QUESTION)  # the core's refresh sees the other writer's document, reopening the embedded client
    assert reads["reopen"] == 1
    assert "kestrel.txt" in bot.store.catalog


def test_use_answerer_changes_every_knowledge_base(bot: Citebot) -> None:
    """One call sets the answerer of the KBs open now and of those opened later."""
    bot.create_kb("notes")
    bot.ask(QUESTION)  # `default` is open before the change, `notes` after it
    bot.use_answerer(Named)
    bot.add_document(Document("kestrel.txt", "Kestrel notes", "The kestrel hovers above fields.\n"), kb="notes")
    assert {bot.parts_of(kb).answerer.name for kb in ("default", "notes")} == {"wrapped"}
    assert bot.ask(QUESTION).answerer == "wrapped"


class Named:
    """An answerer that answers as its inner one, under another name."""

    name = "wrapped"

    def __init__(self, inner: Answerer) -> None:
        self.inner = inner

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        return self.inner.rewrite(question, conversation)

    def answer(self, question: str, retrieval: Retrieval, scope: str, **options: Any) -> Answer:
        return replace(self.inner.answer(question, retrieval, scope, **options), answerer=self.name)


def test_a_question_that_retrieves_nothing_is_an_abstention(
    make_bot: Callable[..., Citebot], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = make_bot()
    monkeypatch.setattr(bot.parts_of(DEFAULT_KB).retriever, "rankings", lambda *_: [[], []])  # nothing found
    answer = bot.ask("What did Bayraktar say about Russia?")
    assert answer.abstained and not answer.citations


def test_a_documents_statistics_are_parsed_once_not_at_every_answer(
    bot: Citebot, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    parse = DocumentStats.from_json
    monkeypatch.setattr(DocumentStats, "from_json", lambda data: parsed.append(data) or parse(data))
    bot.ask(QUESTION)
    bot.ask("What did Bayraktar say about Russia?")
    assert len(parsed) == 1  # the article's statistics, read with the first answer only


def test_one_answer_calls_the_model_twice(bot: Citebot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The question's vector, then all that neither the answerer has seen nor the store holds (the question's
    words compared by meaning, which the article lacks) in one call: each call reads all the model's weights,
    however few its texts."""
    answer, calls = model_calls(bot, "what did the company want people to do with the money they raised?", monkeypatch)
    assert len(calls) == 2 and len(calls[0]) == 1, calls  # "money" ~ "funds"
    assert answer.confidence > 0


def test_a_full_vector_cache_is_emptied_without_losing_the_vectors_asked_for(
    bot: Citebot, monkeypatch: pytest.MonkeyPatch
) -> None:
    answerer = bot.answerer
    assert isinstance(answerer, ExtractiveAnswerer)
    monkeypatch.setattr("bot.answering.vectors.MAX_CACHED", 1)
    answerer.vectors.known.clear()
    answerer.vectors.of(["drone", "factory"])
    assert [v.shape for v in answerer.vectors.of(["drone", "Russia"])] == [(384,), (384,)]
