"""Knowledge bases: named sets of documents, each with its own passages; the core owns every document write."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.app import cli
from bot.config import Settings
from bot.core import DEFAULT_KB, Citebot, build
from index.documents import Document, bundled_document
from index.embeddings import LocalEmbeddings
from index.errors import IndexLocked, KnowledgeBaseError
from index.passages import make_passages
from index.storage.doc_stats import DocumentStats
from index.storage.records import passage_metadata
from index.storage.store import open_client, write_lock

KESTREL = "Kestrel notes\n\nThe kestrel hovers above fields while hunting voles at dawn.\n"
HERON = "Heron notes\n\nThe grey heron stands still in shallow water and spears fish.\n"
BAYKAR = "What is Baykar?"


@pytest.fixture(autouse=True)
def loaded_model(monkeypatch: pytest.MonkeyPatch, embeddings: LocalEmbeddings) -> None:
    monkeypatch.setattr("index.embeddings.LocalEmbeddings", lambda: embeddings)
    monkeypatch.setenv("COLUMNS", "250")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def sources_cited(result: Result) -> set[str]:
    assert result.exit_code == 0, result.output
    return {citation["source"] for citation in json.loads(result.output)["citations"]}


def test_a_document_in_one_kb_is_never_cited_from_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kestrel.txt"
    path.write_text(KESTREL, encoding="utf-8")
    assert invoke("kb", "create", "birds").exit_code == 0
    monkeypatch.setenv("CITEBOT_KB", "birds")
    assert "added" in invoke("index", "add", str(path)).output
    assert sources_cited(invoke("ask", "--json", "What does the kestrel hunt?")) == {str(path.resolve())}
    assert sources_cited(invoke("ask", "--json", BAYKAR)) == set()  # the bundled article is in `default` only
    monkeypatch.delenv("CITEBOT_KB")
    assert str(path.resolve()) not in sources_cited(invoke("ask", "--json", "What does the kestrel hunt?"))
    assert sources_cited(invoke("ask", "--json", "--kb", "birds", "What does the kestrel hunt?")) == {
        str(path.resolve())
    }
    assert "kestrel.txt" not in invoke("index", "list").output
    assert "kestrel.txt" in invoke("index", "list", "--kb", "birds").output


def test_the_same_file_in_two_kbs_is_two_documents(bot: Citebot) -> None:
    bot.create_kb("birds")
    bot.create_kb("fish")
    assert bot.add_document(Document("notes.txt", "Kestrel", KESTREL), kb="birds").status == "added"
    assert bot.add_document(Document("notes.txt", "Heron", HERON), kb="fish").status == "added"
    assert [info.title for info in bot.documents(kb="birds")] == ["Kestrel"]
    assert bot.document("notes.txt", kb="fish").text == HERON
    answer = bot.ask("What does the kestrel hunt?", kb="birds")
    assert answer.citations and "voles" in answer.citations[0].text
    assert bot.remove_document("notes.txt", kb="birds").title == "Kestrel"
    assert bot.documents(kb="birds") == []
    assert [info.title for info in bot.documents(kb="fish")] == ["Heron"]
    assert "spears fish" in bot.ask("How does the grey heron catch fish?", kb="fish").citations[0].text


def test_kb_create_list_copy_delete(tmp_path: Path) -> None:
    path = tmp_path / "kestrel.txt"
    path.write_text(KESTREL, encoding="utf-8")
    assert invoke("kb", "create", "birds").output == "created: birds\n"
    assert "already exists" in invoke("kb", "create", "birds").output
    invoke("index", "add", "--kb", "birds", str(path))
    listing = invoke("kb", "list").output.splitlines()
    assert any(line.split()[:3] == ["birds", "1", "2"] for line in listing), listing
    assert any(line.split()[0] == "default" and line.split()[1] == "1" for line in listing[1:]), listing
    assert invoke("kb", "copy", "birds", "birds-copy").exit_code == 0
    assert "kestrel.txt" in invoke("index", "list", "--kb", "birds-copy").output
    assert invoke("kb", "delete", "birds").output == "deleted: birds\n"
    assert "birds-copy" in invoke("kb", "list").output and "birds " not in invoke("kb", "list").output
    assert "No knowledge base named 'birds'" in invoke("index", "list", "--kb", "birds").output
    assert sources_cited(invoke("ask", "--json", "--kb", "birds-copy", "What does the kestrel hunt?"))


def test_copy_keeps_the_vectors_and_embeds_nothing(bot: Citebot, monkeypatch: pytest.MonkeyPatch) -> None:
    bot.create_kb("birds")
    bot.add_document(Document("kestrel.txt", "Kestrel", KESTREL), kb="birds")
    store = bot.store  # the default KB's store
    with monkeypatch.context() as patched:
        patched.setattr(type(store.embeddings), "embed_documents", lambda *_: pytest.fail("re-embedded"))
        bot.copy_kb("birds", "copy")
    assert [info.source for info in bot.documents(kb="copy")] == ["kestrel.txt"]
    stored = [bot.parts_of(kb).store.stored_vectors.collection.count() for kb in ("birds", "copy")]
    assert stored[0] > 0 and stored[1] == stored[0]  # the answerer's vectors too
    assert "voles" in bot.ask("What does the kestrel hunt?", kb="copy").citations[0].text
    with pytest.raises(KnowledgeBaseError, match="already exists"):
        bot.copy_kb("birds", "copy")


def test_copy_keeps_the_stored_statistics_and_computes_none(bot: Citebot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy carries each document's statistics and text chunks over as stored: nothing is computed from
    the text, neither while copying nor when the copy answers (which would restore missing ones)."""
    bot.create_kb("birds")
    bot.add_document(Document("kestrel.txt", "Kestrel", KESTREL), kb="birds")
    bot.add_document(Document("heron.txt", "Heron", HERON), kb="birds")
    question = "What does the kestrel hunt?"
    original = bot.ask(question, kb="birds")
    with monkeypatch.context() as patched:
        patched.setattr(DocumentStats, "of", lambda *_: pytest.fail("statistics computed again"))
        bot.copy_kb("birds", "copy")
        copied = bot.ask(question, kb="copy")
        versions = [(info.source, info.sha256) for info in bot.documents(kb="birds")]
        assert (
            bot.parts_of("copy").store.stats.read(versions, [])[0]
            == bot.parts_of("birds").store.stats.read(versions, [])[0]
        )
    assert copied.text == original.text
    assert [(c.source, c.start, c.end) for c in copied.citations] == [
        (c.source, c.start, c.end) for c in original.citations
    ]


def test_a_copy_of_documents_indexed_before_statistics_existed_answers(bot: Citebot) -> None:
    """Such a version has no statistics to copy: the copy computes them when first read, as the source would."""
    bot.create_kb("birds")
    bot.add_document(Document("kestrel.txt", "Kestrel", KESTREL), kb="birds")
    bot.parts_of("birds").store.stats.forget("kestrel.txt")  # as an index from before statistics
    bot.copy_kb("birds", "copy")
    assert "voles" in bot.ask("What does the kestrel hunt?", kb="copy").citations[0].text


def test_ensure_kb_seeds_a_new_kb_from_default(bot: Citebot) -> None:
    bot.ensure_kb("guild-42")
    assert bot.has_kb("guild-42") and "guild-42" in bot.knowledge_bases()
    assert [info.source for info in bot.documents(kb="guild-42")] == ["putin-turkey-drones.txt"]
    bot.remove_document("putin-turkey-drones.txt", kb="guild-42")
    bot.ensure_kb("guild-42")  # exists: left alone
    assert bot.documents(kb="guild-42") == []
    assert len(bot.documents()) == 1


def test_default_cannot_be_deleted() -> None:
    result = invoke("kb", "delete", DEFAULT_KB)
    assert result.exit_code == 1 and "cannot be deleted" in result.output
    assert "putin-turkey-drones.txt" in invoke("index", "list").output


@pytest.mark.parametrize("args", [("kb", "create", "Bad Name!"), ("kb", "create", "_x"), ("ask", "--kb", "nope", "Hi")])
def test_a_bad_or_unknown_name_is_one_line(args: tuple[str, ...]) -> None:
    result = invoke(*args)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert "knowledge base" in result.output


def test_an_unknown_kb_from_the_environment_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEBOT_KB", "nope")
    result = invoke("ask", BAYKAR)
    assert result.exit_code == 1 and "No knowledge base named 'nope'" in result.output


def test_an_index_from_the_previous_release_opens_as_default(data_dir: Path, embeddings: LocalEmbeddings) -> None:
    """Written the way the previous release wrote it: `citebot_passages` and `citebot_documents`, no stats."""
    document = Document("old/kestrel.txt", "Kestrel notes", KESTREL)
    passages = make_passages(document.source, document.sha256, document.text)
    client = open_client(data_dir, None, 10)
    model = {"embedding_model": embeddings.name, "embedding_dimension": embeddings.dimension}
    client.create_collection("citebot_passages", metadata=model, embedding_function=None).add(
        ids=[p.id for p in passages],
        documents=[p.text for p in passages],
        metadatas=[passage_metadata(p) for p in passages],
        embeddings=embeddings.embed_documents([p.text for p in passages]),
    )
    record = {"title": document.title, "sha256": document.sha256, "url": "", "added_at": 1.0}
    record |= {"passages": len(passages), "chars": len(KESTREL), "date": "", "pages": ""}
    client.create_collection("citebot_documents", metadata={"kind": "documents"}, embedding_function=None).add(
        ids=[document.source], documents=[document.text], metadatas=[record], embeddings=[[0.0]]
    )
    bot = build(Settings(data_dir=data_dir), embeddings)
    assert bot.knowledge_bases() == [DEFAULT_KB]
    assert [info.source for info in bot.documents()] == ["old/kestrel.txt"]  # no bundled article added
    assert bot.ask("What does the kestrel hunt?").citations[0].source == "old/kestrel.txt"


def test_the_core_takes_the_write_lock(bot: Citebot, data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "kestrel.txt"
    path.write_text(KESTREL, encoding="utf-8")
    with write_lock(data_dir):
        with pytest.raises(IndexLocked):
            bot.add_document(Document("kestrel.txt", "Kestrel", KESTREL))
        with pytest.raises(IndexLocked):
            bot.create_kb("birds")
        result = invoke("index", "add", str(path))
        assert result.exit_code == 1 and "Another citebot process is writing" in result.output
    assert not bot.has_kb("birds")
    assert "added" in invoke("index", "add", str(path)).output


def test_a_kb_whose_store_reopened_the_client_leaves_the_others_working(bot: Citebot) -> None:
    """Reopening (to see another process's writes) stops the folder's client for every store in the process."""
    bot.create_kb("birds")
    bot.add_document(Document("kestrel.txt", "Kestrel", KESTREL), kb="birds")
    bot.store.reopen()  # the default KB's store, as its refresh does after another process wrote
    assert "voles" in bot.ask("What does the kestrel hunt?", kb="birds").citations[0].text
    assert bot.ask(BAYKAR).citations


def test_the_bundled_article_once_removed_stays_removed(make_bot: Callable[..., Citebot]) -> None:
    """A new index starts with the bundled article; a user who removes it keeps an empty default KB, in this
    process and the next, and does not get it back when adding their own documents."""
    bot = make_bot()
    article = bundled_document().source
    assert [info.source for info in bot.documents()] == [article]
    bot.remove_document(article)
    assert bot.documents() == []
    assert make_bot().documents() == []
    bot.add_document(Document("notes/kestrel.txt", "Kestrel", KESTREL))
    assert [info.source for info in make_bot().documents()] == ["notes/kestrel.txt"]
