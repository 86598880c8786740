"""Adding, replacing and removing documents, against embedded Chroma and against a `chroma run` server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core import Citebot
from index.documents import Document
from index.errors import IndexMissing
from index.sources import load_file
from index.storage.consistency import is_stale
from index.storage.store import Store
from tests.helpers import ARTICLE_HTML, pdf_bytes

LAST = "\n\nIt opened in 2019 after a long delay.\n"
OLD = "Plant\n\nThe engine plant is in Ankara and employs 900 people." + LAST
NEW = "Plant\n\nThe engine plant is in Izmir and employs 1,400 people." + LAST


def plant(text: str) -> Document:
    return Document("plant.md", "Plant", text)


def visible(store: Store, source: str) -> set[str]:
    """The document versions a query can see for `source`, through both rankings."""
    store.refresh(max_age=0)
    vector = store.embeddings.embed_query("Where is the engine plant?")
    dense = store.dense_search(vector, 50, frozenset({source}))
    lexical = store.lexical_search("engine plant Ankara Izmir people", 50, frozenset({source}))
    return {passage.doc_hash for passage, _ in dense + lexical}


def test_each_format_is_cited_with_title_and_location(docbot: Citebot, tmp_path: Path) -> None:
    (tmp_path / "article.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(pdf_bytes(["Contents.", "The Akinci engines are built in Izmir."]))
    html, pdf = (load_file(tmp_path / name) for name in ("article.html", "report.pdf"))
    for document in (html, pdf):
        assert docbot.store.add(document).status == "added"
    answer = docbot.ask("Where are the Akinci engines built?", sources=frozenset({"report.pdf"}))
    citation = answer.citations[0]
    assert citation.source == pdf.source and "Izmir" in citation.text
    assert citation.location == "page 2"
    answer = docbot.ask("When did Baykar open a second factory?", sources=frozenset({html.source}))
    citation = answer.citations[0]
    assert citation.url == "https://example.org/drones-over-ankara"
    assert citation.title == "Drones over Ankara"
    assert citation.location.startswith("paragraph")
    pages = {p.page for p in docbot.store.current_passages() if p.source == pdf.source}
    assert pages == {1, 2}


def test_unchanged_document_is_a_no_op(docbot: Citebot) -> None:
    first = docbot.store.add(plant(OLD))
    before = docbot.store.catalog["plant.md"]
    again = docbot.store.add(plant(OLD))
    assert (first.status, again.status) == ("added", "unchanged")
    assert docbot.store.catalog["plant.md"] == before
    assert docbot.store.passage_counts()["plant.md"] == before.passages


def test_changed_version_replaces_the_old_with_no_query_seeing_both_or_neither(
    docbot: Citebot,
    make_bot: Callable[..., Citebot],
    backend: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writer = docbot.store
    writer.add(plant(OLD))
    reader = make_bot(**backend).store  # another Store on the same index, as a running bot would be
    old_hash, new_hash = plant(OLD).sha256, plant(NEW).sha256
    seen: list[set[str]] = []
    delete = writer.delete_passages

    def checked_delete(where: dict[str, Any]) -> None:
        seen.append(visible(reader, "plant.md"))  # record written, old passages not yet deleted
        delete(where)

    monkeypatch.setattr(writer, "delete_passages", checked_delete)
    result = writer.add(plant(NEW), progress=lambda _: seen.append(visible(reader, "plant.md")))
    seen.append(visible(reader, "plant.md"))
    assert result.status == "replaced"
    assert seen == [{old_hash}, {new_hash}, {new_hash}]
    assert writer.passage_counts()["plant.md"] == writer.catalog["plant.md"].passages


def test_remove_deletes_passages_and_lexical_entries(docbot: Citebot) -> None:
    docbot.store.add(plant(OLD))
    assert docbot.store.lexical_search("Ankara engine plant", 10)
    info = docbot.store.remove("plant.md")
    assert info.source == "plant.md"
    assert "plant.md" not in docbot.store.passage_counts()
    assert all(p.source != "plant.md" for p, _ in docbot.store.lexical_search("Ankara engine plant", 50))
    with pytest.raises(IndexMissing):
        docbot.ask("Where is the engine plant?", sources=frozenset({"plant.md"}))
    with pytest.raises(IndexMissing):
        docbot.store.remove("plant.md")


def test_a_citation_is_stale_once_its_span_is_gone(docbot: Citebot) -> None:
    docbot.store.add(plant(OLD))
    answer = docbot.ask("Where is the engine plant?", sources=frozenset({"plant.md"}))
    citation = answer.citations[0]
    assert "Ankara" in citation.text and citation.doc_hash == plant(OLD).sha256
    assert not is_stale(citation, docbot.store)
    docbot.store.add(plant(OLD.replace("after a long delay", "after a short delay")))
    assert not is_stale(citation, docbot.store)  # the cited sentence is still there, word for word
    docbot.store.add(plant(NEW))
    assert is_stale(citation, docbot.store)
    docbot.store.remove("plant.md")
    assert is_stale(citation, docbot.store)


def test_source_restricts_answers_across_documents(docbot: Citebot) -> None:
    docbot.store.add(plant(OLD))
    other = "Other\n\nThe engine plant in Bursa closed.\n"
    docbot.store.add(Document("/notes/other.txt", "Other plant", other))
    scoped = docbot.ask("Where is the engine plant?", sources=frozenset({"other.txt"}))
    assert {c.source for c in scoped.citations} == {"/notes/other.txt"}
    scoped = docbot.ask("Where is the engine plant?", sources=frozenset({"plant.md"}))
    assert {c.source for c in scoped.citations} == {"plant.md"}


def test_rebuild_reads_back_pages_and_dates(docbot: Citebot, tmp_path: Path) -> None:
    from index.storage.records import stored_documents

    (tmp_path / "report.pdf").write_bytes(pdf_bytes(["One.", "Two."], title="Report"))
    document = load_file(tmp_path / "report.pdf")
    docbot.store.add(document)
    stored = {d.source: d for d in stored_documents(docbot.store.client, docbot.store.name)}[document.source]
    assert (stored.text, stored.pages, stored.date) == (document.text, document.pages, "2023-05-04")
