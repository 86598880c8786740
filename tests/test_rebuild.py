"""`index rebuild` through the core: the bot's own client and write lock, the same results as before."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.app import cli
from bot.core import Citebot
from index.documents import Document, bundled_document
from index.embeddings import LocalEmbeddings
from index.errors import IndexLocked
from index.storage.store import write_lock

KESTREL = "Kestrel notes\n\nThe kestrel hovers above fields while hunting voles at dawn.\n"


def locked(data_dir: Path) -> bool:
    """Whether another writer (a second lock on the folder, as another process would take it) is refused."""
    try:
        with write_lock(data_dir):
            return False
    except IndexLocked:
        return True


def test_rebuild_holds_the_write_lock_from_start_to_end(bot: Citebot, data_dir: Path) -> None:
    bot.add_document(Document("kestrel.txt", "Kestrel", KESTREL))
    seen: list[bool] = []

    def track(documents: list[Document]) -> Iterator[Document]:
        for document in documents:
            seen.append(locked(data_dir))
            yield document
        seen.append(locked(data_dir))

    assert bot.rebuild(track=track) == 2
    assert seen == [True, True, True]
    assert not locked(data_dir)


def test_the_same_bot_answers_after_rebuilding(bot: Citebot) -> None:
    """The rebuilt KB's store replaces the one the bot had open (whose passages were dropped)."""
    bot.create_kb("birds")
    bot.add_document(Document("kestrel.txt", "Kestrel", KESTREL), kb="birds")
    assert "voles" in bot.ask("What does the kestrel hunt?", kb="birds").citations[0].text
    assert bot.rebuild(kb="birds") == 1
    assert "voles" in bot.ask("What does the kestrel hunt?", kb="birds").citations[0].text
    assert bot.check(kb="birds") == []


def test_a_default_kb_emptied_by_its_user_stays_empty(bot: Citebot) -> None:
    bot.remove_document(bundled_document().source)
    assert bot.rebuild() == 0
    assert bot.documents() == []


def test_rebuilding_a_new_index_gives_it_the_bundled_article(make_bot: Callable[..., Citebot]) -> None:
    bot = make_bot()  # no KB opened yet: nothing has been created
    assert bot.rebuild() == 0
    assert [info.source for info in bot.documents()] == [bundled_document().source]


def test_an_empty_other_kb_stays_empty(bot: Citebot) -> None:
    bot.create_kb("birds")
    assert bot.rebuild(kb="birds") == 0
    assert bot.documents(kb="birds") == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("nope", "No knowledge base named 'nope'; the knowledge bases are: default."), ("Bad!", "not a valid")],
)
def test_an_unknown_kb_is_one_line(
    monkeypatch: pytest.MonkeyPatch, embeddings: LocalEmbeddings, name: str, message: str
) -> None:
    monkeypatch.setattr("index.embeddings.LocalEmbeddings", lambda: embeddings)
    result = CliRunner().invoke(cli, ["index", "rebuild", "--kb", name])
    assert result.exit_code == 1 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
