"""Titles come out of every reader clean: one line, no bidi or zero-width tricks, at most 200 characters;
a file of only invisible characters is empty; the model is told each document's title once."""

from __future__ import annotations

import pytest

from bot.llm.prompt_text import numbered
from index.documents import MAX_TITLE_CHARS, Document, clean_title, from_bytes
from index.errors import DocumentError
from index.passages import make_passages

TEXT = "First paragraph about the reactor.\n\nSecond paragraph about the reactor.\n\nThird one, the last.\n"


def test_titles_lose_bidi_and_zero_width_characters_and_are_capped() -> None:
    assert clean_title("Pay\u202eroll\u200b  notes\u2066\n") == "Payroll notes"
    long = clean_title("word " * 100)
    assert len(long) == MAX_TITLE_CHARS and long.endswith("…")


def test_every_reader_cleans_the_title_in_the_document_model() -> None:
    markdown = from_bytes(b"# Inv\xe2\x80\x8boice \xe2\x80\xaeFDP.exe\n\nBody text.\n", "notes.md", "notes.md")
    assert markdown.title == "Invoice FDP.exe"
    html = b"<html><head><title>" + b"A" * 500 + b"</title></head><body><p>Some real text here.</p></body></html>"
    assert len(from_bytes(html, "page.html", "page.html").title) == MAX_TITLE_CHARS
    assert Document("x/notes.txt", "\u200b\u200d ", "text").title == "notes.txt"  # nothing left: the file name


@pytest.mark.parametrize("name", ["blank.txt", "blank.md", "blank.html"])
def test_a_file_of_only_invisible_characters_is_empty(name: str) -> None:
    with pytest.raises(DocumentError, match="empty|no main text"):
        from_bytes("\u200b \u200d\n\ufeff\u2060\t\u202e".encode(), name, name)


def test_the_title_is_sent_once_per_document_not_per_passage() -> None:
    document = Document("a.txt", "A very distinctive title", TEXT)
    other = Document("b.txt", "Another title", "Only one paragraph here.\n")
    passages = make_passages("a.txt", document.sha256, TEXT) + make_passages("b.txt", other.sha256, other.text)
    assert len(passages) == 4
    prompt = numbered(passages, {"a.txt": document, "b.txt": other}.get)  # type: ignore[arg-type]
    assert prompt.count("A very distinctive title") == 1 and prompt.count("Another title") == 1
    assert prompt.count('same-document-as="1"') == 2
