"""An answer reads the text around its passages, never a whole document: its statistics are stored at ingest."""

from collections.abc import Callable

import pytest

from bot.answering.extractive import ExtractiveAnswerer
from bot.core import Citebot
from index.documents import Document, bundled_document

QUESTION = "What did Haluk Bayraktar say about Russia?"

pytestmark = pytest.mark.slow  # a large document is indexed for each test


def large_document() -> Document:
    """About 150 KB of distinct sentences, with the article in the middle."""
    filler = [
        f"Report {i} says the harbour of town{i} moved {i % 89} crates of cargo{i % 31} on day {i}."
        for i in range(2000)
    ]
    text = "\n\n".join(filler[:1000]) + "\n\n" + bundled_document().text + "\n\n" + "\n\n".join(filler[1000:])
    return Document("large.txt", "Large", text)


@pytest.fixture
def large_bot(make_bot: Callable[..., Citebot]) -> Citebot:
    bot = make_bot()
    bot.store.add(large_document())
    return bot


def answer_reading(bot: Citebot, answerer: ExtractiveAnswerer, monkeypatch: pytest.MonkeyPatch) -> str:
    """The answer's text, failing if retrieval or the answerer reads a whole document."""

    def whole(sources: list[str]) -> dict[str, Document]:
        raise AssertionError(f"a whole document was read: {sources}")

    with monkeypatch.context() as patched:
        patched.setattr(bot.store, "read_documents", whole)
        retrieval = bot.retriever.search(QUESTION, sources=frozenset({"large.txt"}))
        return answerer.answer(QUESTION, retrieval, "large.txt").text


def test_an_answer_reads_no_whole_document(large_bot: Citebot, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = answer_reading(large_bot, ExtractiveAnswerer(large_bot.store.embeddings), monkeypatch)
    assert answer.startswith("Haluk Bayraktar")  # the longest form of the name, from elsewhere in the text


def test_missing_statistics_are_computed_once_from_the_text(
    large_bot: Citebot, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = large_bot.ask(QUESTION, sources=frozenset({"large.txt"}))
    large_bot.store.stats.forget("large.txt")  # as in an index built before the statistics existed
    fresh = ExtractiveAnswerer(large_bot.store.embeddings)
    retrieval = large_bot.retriever.search(QUESTION, sources=frozenset({"large.txt"}))  # restores them
    assert fresh.answer(QUESTION, retrieval, "large.txt").text == expected.text
    assert answer_reading(large_bot, ExtractiveAnswerer(large_bot.store.embeddings), monkeypatch) == expected.text
