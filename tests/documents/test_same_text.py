"""The same text from two sources is two documents, each with passages of its own (citebot issue 11)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.core import Citebot
from index.documents import Document
from index.passages import make_passages
from index.sources import load_file
from index.storage.consistency import check

TEXT = "Plant\n\nThe engine plant is in Ankara and employs 900 people.\n\nIt opened in 2019 after a long delay.\n"
QUESTION = "Where is the engine plant?"


def twins(tmp_path: Path) -> list[Document]:
    """a.txt and an identical copy, b.txt, in another folder."""
    documents = []
    for folder in ("one", "two"):
        path = tmp_path / folder / f"{'a' if folder == 'one' else 'b'}.txt"
        path.parent.mkdir()
        path.write_text(TEXT, encoding="utf-8")
        documents.append(load_file(path))
    return documents


def answers_from(bot: Citebot, source: str) -> bool:
    """The question is answered, with a citation, from `source` alone."""
    answer = bot.ask(QUESTION, sources=frozenset({source}))
    return not answer.abstained and {c.source for c in answer.citations} == {source}


def test_the_same_text_twice_is_two_whole_documents(make_bot: Callable[..., Citebot], tmp_path: Path) -> None:
    bot = make_bot()
    a, b = twins(tmp_path)
    for document in (a, b):
        bot.store.add(document)
    counts = bot.store.passage_counts()
    assert counts[a.source] == counts[b.source] == bot.store.catalog[a.source].passages == 3
    assert check(bot.store) == []
    assert answers_from(bot, a.source) and answers_from(bot, b.source)


def test_removing_one_copy_leaves_the_other_whole(make_bot: Callable[..., Citebot], tmp_path: Path) -> None:
    bot = make_bot()
    a, b = twins(tmp_path)
    for document in (a, b):
        bot.store.add(document)
    bot.store.remove(b.source)
    assert check(bot.store) == []
    assert bot.store.passage_counts()[a.source] == 3
    assert answers_from(make_bot(), a.source)


def old_id(doc_hash: str, start: int, end: int) -> str:
    """Passage ids as citebot made them before issue 11: from the text and offsets only."""
    return hashlib.sha256(f"{doc_hash}:{start}:{end}".encode()).hexdigest()[:32]


def add_the_old_way(bot: Citebot, document: Document) -> None:
    """What `index add` did before issue 11: the second copy's passages take over the first one's."""
    passages = make_passages(document.source, document.sha256, document.text)
    bot.store.write_passages([replace(p, id=old_id(p.doc_hash, p.start, p.end)) for p in passages])
    bot.store.write_record(document, len(passages))


def test_an_index_with_the_old_passage_ids_is_reported_and_mended_by_rebuild(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot()
    a, b = twins(tmp_path)
    for document in (a, b):
        add_the_old_way(bot, document)
    assert bot.store.passage_counts().get(a.source) is None  # the data loss of issue 11, reproduced
    problems = check(make_bot().store)
    assert any(p.startswith(f"{a.source}: 0 passages stored, 3 expected") for p in problems), problems
    assert any(b.source in p and "older citebot" in p for p in problems), problems
    assert all("citebot index rebuild" in p for p in problems), problems
    make_bot().rebuild()
    mended = make_bot()
    assert check(mended.store) == []
    assert answers_from(mended, a.source) and answers_from(mended, b.source)
