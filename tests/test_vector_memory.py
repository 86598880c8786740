"""What the extractive answerer compares with a question is embedded when its document is added, not when asked
(index.storage.vector_memory): a first question costs about what a repeated one does."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from bot.core import Citebot
from index.documents import Document, bundled_document
from index.passages import make_passages, passage_units
from tests.helpers import model_calls

QUESTION = "what did the company want people to do with the money they raised?"  # "money" ~ "funds"


def units_of(document: Document) -> set[str]:
    return {unit for p in make_passages("", "", document.text) for unit in passage_units(document.text, p)}


def embedded_while_asking(bot: Citebot, question: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the model embeds while the bot, with nothing in its memory, answers the question."""
    answer, calls = model_calls(bot, question, monkeypatch)
    assert answer.citations
    return [text for texts in calls for text in texts]


def test_a_first_question_embeds_none_of_the_documents_sentences(bot: Citebot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the question and those of its words the documents lack are embedded."""
    embedded = embedded_while_asking(bot, QUESTION, monkeypatch)
    assert embedded and embedded[0] == QUESTION
    assert not set(embedded) & units_of(bundled_document())
    assert all(" " not in text for text in embedded[1:])


def test_stored_vectors_are_the_models_vectors(bot: Citebot) -> None:
    units = sorted(units_of(bundled_document()))
    stored = bot.store.stored_vectors.read(units)
    assert set(stored) == set(units)
    fresh = bot.store.embeddings.embed_documents(units)
    assert np.allclose(np.stack([stored[unit] for unit in units]), np.asarray(fresh), atol=1e-5)


def test_an_index_without_stored_vectors_answers_the_same(
    make_bot: Callable[..., Citebot], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built before vectors were stored (or whose vectors were lost) embeds what it meets, as it did."""
    bot = make_bot()
    before = bot.ask(QUESTION)
    collection = bot.store.stored_vectors.collection
    collection.delete(ids=collection.get(include=[])["ids"])
    embedded = embedded_while_asking(bot, QUESTION, monkeypatch)
    assert set(embedded) & units_of(bundled_document())
    after = bot.ask(QUESTION)
    assert (after.text, after.citations) == (before.text, before.citations)


def test_a_text_two_documents_share_is_stored_once(bot: Citebot) -> None:
    collection = bot.store.stored_vectors.collection
    count = collection.count()
    bot.add_document(Document("copy.txt", "A copy", bundled_document().text))
    assert collection.count() == count
